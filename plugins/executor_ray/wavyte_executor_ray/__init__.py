"""wavyte's Ray executor (plugin ``ray``): see `wavyte_executor_ray.executor`."""
