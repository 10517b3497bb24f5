"""The interactive explorer (``pycart explore``): the model in a local web page."""
