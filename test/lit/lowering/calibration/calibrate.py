# `tpuc calibrate` writes tpu-mlir's calibration table: the '#' header (tool, mlir, model, date,
# method, histogram bins, number of inputs), then one `name threshold min max` line ({:.7f}) per
# float tensor in program order (of the module as imported: --pipeline top-verify-shapes, so the
# table does not move with the rewrites) (the bool `pad_mask` input is not calibrated), then tpuc's
# `#float_keep` lines for the tensors carrying the -inf key-padding mask (tpu-mlir reads them as
# comments). Progress is one stderr line per input. A dataset folder of .npz files gives the same
# body as the same random inputs; bad flags and inputs are one-line errors with exit code 2.
# RUN: rm -rf %t && mkdir -p %t/ds %t/empty
# RUN: %tpuc transform --model-def %S/../../../data/models/mha_encoder.onnx --mlir %t/mha.mlir --pipeline top-verify-shapes 2> %t/transform.log
# RUN: %tpuc calibrate %t/mha.mlir --random 2 --seed 0 --method kl -o %t/mha_cali_table 2> %t/progress.txt
# RUN: filecheck %s --input-file %t/mha_cali_table
# RUN: filecheck %s --input-file %t/progress.txt --check-prefix=PROG
# RUN: %tpuc calibrate %t/mha.mlir --random 2 --method max -o %t/max_table -q 2> %t/quiet.txt
# RUN: filecheck %s --input-file %t/max_table --check-prefix=MAX
# RUN: not grep . %t/quiet.txt
#   the same two inputs as files: identical table body
# RUN: %python %s %t/mha.mlir %t/ds
# RUN: %tpuc calibrate %t/mha.mlir --dataset %t/ds --method max -o %t/ds_table -q
# RUN: grep -v "^#" %t/max_table > %t/max_body && grep -v "^#" %t/ds_table > %t/ds_body
# RUN: diff %t/max_body %t/ds_body
# RUN: filecheck %s --input-file %t/ds_table --check-prefix=DS
# RUN: %tpuc calibrate %t/mha.mlir --random 3 --method percentile --percentile 99.9 -o %t/pct_table -q
# RUN: filecheck %s --input-file %t/pct_table --check-prefix=PCT
#   errors
# RUN: not %tpuc calibrate %t/mha.mlir -o %t/x 2>&1 | filecheck %s --check-prefix=NOSRC
# RUN: not %tpuc calibrate %t/mha.mlir --random 1 --dataset %t/ds -o %t/x 2>&1 | filecheck %s --check-prefix=BOTH
# RUN: not %tpuc calibrate %t/mha.mlir --dataset %t/empty -o %t/x 2>&1 | filecheck %s --check-prefix=EMPTY
# RUN: not %tpuc calibrate %t/nope.mlir --random 1 -o %t/x 2>&1 | filecheck %s --check-prefix=NOFILE
# RUN: not %tpuc calibrate %t/mha.mlir --random 1 --method mse -o %t/x 2>&1 | filecheck %s --check-prefix=METHOD
# RUN: not %tpuc calibrate %t/mha.mlir --random 1 -o %t/nodir/x 2>&1 | filecheck %s --check-prefix=NODIR
# RUN: not ls %t/x

# CHECK:      # tpuc calibration table (format of tpu-mlir's run_calibration.py), cali version 1.0
# CHECK-NEXT: # mlir: {{.*}}mha.mlir
# CHECK-NEXT: # model: mha_encoder
# CHECK-NEXT: # generated time: {{[0-9]+-[0-9]+-[0-9]+ [0-9]+:[0-9]+:[0-9]+$}}
# CHECK-NEXT: # quantization threshold calculation method: kl
# CHECK-NEXT: # histogram number: 2048
# CHECK-NEXT: # sample number: 2
# CHECK-NEXT: # inputs: 2 random (floats N(0,1), seeds 0..1)
# CHECK-NEXT: # tensors: 90 float calibrated, 1 integer/bool not calibrated, 11 float_keep (-inf/nan or |x| >= 1e30 values left out)
# CHECK-NEXT: ###
# CHECK-NEXT: # op_name    threshold    min    max
# CHECK-NEXT: {{^x [0-9]+\.[0-9]+ -[0-9]+\.[0-9]+ [0-9]+\.[0-9]+$}}
#   the mask itself: finite (the all-zero floor), marked below
# CHECK-NEXT: {{^/enc/Where_output_0 0\.0000100 -0\.0000100 0\.0000100$}}
# CHECK-NOT:  pad_mask
# CHECK:      {{^/enc/layers.0/self_attn/MatMul_1_output_0 [0-9.]+ -[0-9.]+ [0-9.]+$}}
#   scores + mask: the scores' threshold, min widened to -threshold
# CHECK-NEXT: {{^/enc/layers.0/self_attn/Add_2_output_0 ([0-9.]+) -([0-9.]+) [0-9.]+$}}
# CHECK-NEXT: {{^/enc/layers.0/self_attn/Softmax_output_0 0\.[0-9]+ 0\.0000000 0\.[0-9]+$}}
# CHECK-NOT:  inf
# CHECK-NOT:  nan
# CHECK:      {{^y [0-9.]+ -[0-9.]+ [0-9.]+$}}
# CHECK-NEXT: ###
# CHECK-NEXT: # float_keep:
# CHECK-NEXT: # their threshold
# CHECK-NEXT: #float_keep /enc/Where_output_0 nonfinite excluded={{[0-9]+}}/40
# CHECK-NEXT: #float_keep /enc/layers.0/self_attn/Reshape_6_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.0/self_attn/Expand_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.0/self_attn/Reshape_7_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.0/self_attn/Reshape_8_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.0/self_attn/Add_2_output_0 nonfinite excluded={{[0-9]+}}/3200
# CHECK-NEXT: #float_keep /enc/layers.1/self_attn/Reshape_6_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.1/self_attn/Expand_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.1/self_attn/Reshape_7_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.1/self_attn/Reshape_8_output_0 nonfinite
# CHECK-NEXT: #float_keep /enc/layers.1/self_attn/Add_2_output_0 nonfinite

# PROG:      calibrate: [1/2] random seed 0
# PROG-NEXT: calibrate: [2/2] random seed 1
# PROG-NEXT: calibrate: 90 float tensors on 2 input(s), 1 integer/bool skipped, 11 to keep in float
# PROG-NEXT: wrote {{.*}}mha_cali_table (90 thresholds, 11 tensor(s) marked float_keep)

# MAX:      # quantization threshold calculation method: max
# MAX:      # sample number: 2
# MAX:      {{^/enc/layers.0/Relu_output_0 ([0-9.]+) 0\.0000000 [0-9.]+$}}

# DS:       # inputs: dataset {{.*}}ds (2 file(s): in_0.npz .. in_1.npz)

# PCT:      # quantization threshold calculation method: percentile (99.9 % of |x|)
# PCT:      # sample number: 3

# NOSRC:  tpuc: error: one of the arguments --dataset --random is required
# BOTH:   tpuc: error: argument --dataset: not allowed with argument --random
# EMPTY:  tpuc: error: no .npz or .npy files in the calibration dataset {{.*}}empty
# NOFILE: tpuc: error: IR file not found: {{.*}}nope.mlir
# METHOD: tpuc: error: argument --method: invalid choice: 'mse'
# NODIR:  tpuc: error: output directory does not exist: {{.*}}nodir

# Writes the random inputs of seeds 0 and 1 (as `--random 2` draws them) as a dataset folder.
import sys

if __name__ == "__main__":
    import numpy as np

    from tpuc.compiler.inputs import random_inputs
    from tpuc.compiler.ir_io import load_module
    from tpuc.dialects.top import interpreter

    specs = interpreter.input_specs(load_module(sys.argv[1]))
    for i in range(2):
        np.savez(f"{sys.argv[2]}/in_{i}.npz", **random_inputs(specs, i))
