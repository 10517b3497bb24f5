"""The model itself: ids, inputs, the simulator, metrics of one run, the independent solver."""
