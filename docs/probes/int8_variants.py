"""Writes int8 variants of a bundle's fp32 model.onnx that keep some Linear layers in fp32.

The quantization is the one OnnxExport.int8 does (per-output-channel symmetric int8 weights, ORT's
com.microsoft DynamicQuantizeMatMul), except that a MatMul whose consumer's output name matches
KEEP_FP32 (a regular expression over the graph's names, e.g. 'layer\\.\\d+/output/dense' for the
feed-forward down-projections) stays fp32. Compare the variants with Int8Agreement.java.

Usage: /usr/bin/python3 docs/probes/int8_variants.py MODEL.onnx OUT.onnx [KEEP_FP32]
Needs Debian's python3-onnx and python3-numpy.
"""
import re
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def main(source, target, keep_fp32):
    model = onnx.load(source)
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    quantized, scales = {}, []
    for node in graph.node:
        weight = node.input[1] if node.op_type == "MatMul" else None
        if weight not in initializers or len(initializers[weight].dims) != 2 or weight.startswith("classifier"):
            continue
        if len(consumers[weight]) != 1:
            continue
        after = consumers.get(node.output[0], [])
        if keep_fp32 and after and re.search(keep_fp32, after[0].output[0]):
            continue
        w = numpy_helper.to_array(initializers[weight]).astype(np.float32)
        scale = np.abs(w).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        quantized[weight] = numpy_helper.from_array(np.clip(np.round(w / scale), -127, 127).astype(np.int8), weight)
        scales.append(numpy_helper.from_array(scale.astype(np.float32), weight + "_scale"))
        node.op_type, node.domain = "DynamicQuantizeMatMul", "com.microsoft"
        node.input.append(weight + "_scale")
    for init in graph.initializer:
        if init.name in quantized:
            init.CopyFrom(quantized[init.name])
    graph.initializer.extend(scales)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, target)
    print(f"{target}: {len(quantized)} MatMuls int8, kept fp32: {keep_fp32 or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
