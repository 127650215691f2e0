"""Top -> Tpu lowering (``convert-top-to-tpu``), one module per op family.

``convert.py`` is the pass (mode decisions, the walk); ``context.py`` the shared state (casts,
weights, calibration, the float lowering); ``elementwise.py``, ``nn.py``, ``reduce.py``,
``shape.py`` each claim every Top op of their family for F32/F16/BF16 (``FLOAT_OPS``) and
register the INT8 lowerings of their ops; ``qtable.py`` reads quantize tables.
"""
