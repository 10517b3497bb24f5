"""The model files (Antimony source and what pycart build derives from it), installed as
``pycart.models`` so that an installed pycart finds them."""
