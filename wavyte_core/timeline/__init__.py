"""Time: Anim sampling and easing, seeds and noise, layout, 2D affines, and the evaluator
that turns (composition, frame) into a FrameGraph. Pure functions of their inputs.
"""
