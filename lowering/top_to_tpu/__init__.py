"""Top -> Tpu lowering (``convert-top-to-tpu``), one module per op family.

``convert.py`` is the pass (mode decisions, the walk); ``context.py`` the shared state (casts,
weights, calibration); ``elementwise.py``, ``nn.py``, ``reduce.py``, ``shape.py`` register the
INT8 lowerings of their ops (the float lowering is generic); ``qtable.py`` reads quantize tables.
"""
