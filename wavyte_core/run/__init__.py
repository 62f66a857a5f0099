"""Running a render: the job (prepare once, render frames), the render loop with its
encoder thread, the worker pool over shared memory, executors, batches and segments.
"""
