#!/usr/bin/env python3
"""Convert a Keras 2.0.x HDF5 (mini/big XCEPTION, FER2013) to ONNX without Keras.

Usage: convert_mini_xception.py MODEL.hdf5 OUT.onnx [--manifest OUT.json] [--source TEXT]

The Keras graph is read from the file's `model_config` attribute (JSON) and its weights from
the `model_weights` group (via each layer's `weight_names`). Every layer is translated by
class name; an unknown class, an unsupported option or an unused weight stops the conversion
with an error naming the layer. BatchNormalization is folded into the convolution that feeds
it (SeparableConv2D -> depthwise Conv + 1x1 Conv; the BN folds into the 1x1). Keras is
channels-last; the ONNX graph is NCHW: input "input" [N,C,H,W], output "probabilities" [N,K].
'same' padding reproduces TensorFlow's rule (extra pixel at the end).
"""
import argparse
import hashlib
import json
import math
import sys

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"


class ConversionError(Exception):
    pass


def tf_same_pads(size, kernel, stride):
    """(begin, end) padding of TF 'same' for one spatial axis."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def out_size(size, kernel, stride, pad_begin, pad_end):
    return (size + pad_begin + pad_end - kernel) // stride + 1


def decode(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class Tensor:
    """A value in the graph being built: NCHW (rank 4) or [N, C] (rank 2)."""

    def __init__(self, name, channels, height=None, width=None):
        self.name = name
        self.channels = channels
        self.height = height
        self.width = width

    @property
    def rank(self):
        return 4 if self.height is not None else 2


class ConvNode:
    """A Conv node whose weights stay mutable until the graph is emitted (for BN folding)."""

    def __init__(self, name, inp, out, weight, bias, pads, strides, group):
        self.name, self.inp, self.out = name, inp, out
        self.weight = weight.astype(np.float64)  # (out, in/group, kh, kw)
        self.bias = None if bias is None else bias.astype(np.float64)
        self.pads, self.strides, self.group = pads, strides, group


class Converter:
    def __init__(self, path, fold_bn=True):
        self.path = path
        self.fold_bn = fold_bn
        self.file = h5py.File(path, "r")
        if "model_config" not in self.file.attrs:
            raise ConversionError(f"{path}: no model_config attribute (not a Keras model file)")
        config = json.loads(decode(self.file.attrs["model_config"]))
        if config.get("class_name") not in ("Model", "Functional", "Sequential"):
            raise ConversionError(f"{path}: unsupported model class {config.get('class_name')}")
        self.config = config["config"]
        self.weights_root = self.file["model_weights"] if "model_weights" in self.file else self.file
        self.tensors = {}       # keras layer name -> Tensor
        self.nodes = []         # ConvNode | onnx NodeProto, in order
        self.conv_by_output = {}  # onnx tensor name -> ConvNode
        self.consumers = {}     # keras layer name -> number of consuming layers
        self.input_tensor = None
        self.used_weights = set()

    # --- weights -------------------------------------------------------------------------
    def layer_weights(self, layer_name):
        if layer_name not in self.weights_root:
            return {}
        group = self.weights_root[layer_name]
        names = [decode(n) for n in group.attrs.get("weight_names", [])]
        result = {}
        for full in names:
            short = full.split("/")[-1].split(":")[0]
            result[short] = np.array(group[full], dtype=np.float32)
        return result

    def take(self, layer, weights, key, shape=None, required=True):
        if key not in weights:
            if required:
                raise ConversionError(f"layer {layer}: missing weight '{key}' (has {sorted(weights)})")
            return None
        value = weights[key]
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ConversionError(f"layer {layer}: weight '{key}' has shape {value.shape}, expected {shape}")
        self.used_weights.add((layer, key))
        return value

    # --- graph helpers ---------------------------------------------------------------------
    @staticmethod
    def inbound(layer):
        nodes = layer.get("inbound_nodes", [])
        if len(nodes) > 1:
            raise ConversionError(f"layer {layer['name']}: shared layers (called {len(nodes)} times) are not supported")
        if not nodes:
            return []
        return [entry[0] for entry in nodes[0]]

    def single_input(self, layer):
        names = self.inbound(layer)
        if len(names) != 1:
            raise ConversionError(f"layer {layer['name']} ({layer['class_name']}): expected 1 input, got {len(names)}")
        return self.tensors[names[0]]

    def check_common(self, layer, cfg):
        name = layer["name"]
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise ConversionError(f"layer {name}: data_format {cfg['data_format']} not supported")
        if any(d != 1 for d in cfg.get("dilation_rate", [1, 1])):
            raise ConversionError(f"layer {name}: dilation_rate {cfg['dilation_rate']} not supported")

    def pads_for(self, layer, padding, x, kernel, strides):
        if padding == "valid":
            return [0, 0, 0, 0]
        if padding == "same":
            top, bottom = tf_same_pads(x.height, kernel[0], strides[0])
            left, right = tf_same_pads(x.width, kernel[1], strides[1])
            return [top, left, bottom, right]
        raise ConversionError(f"layer {layer['name']}: padding '{padding}' not supported")

    def emit_conv(self, name, x, weight, bias, pads, strides, group):
        out_name = name
        kh, kw = weight.shape[2], weight.shape[3]
        node = ConvNode(name, x.name, out_name, weight, bias, pads, strides, group)
        self.nodes.append(node)
        self.conv_by_output[out_name] = node
        h = out_size(x.height, kh, strides[0], pads[0], pads[2])
        w = out_size(x.width, kw, strides[1], pads[1], pads[3])
        return Tensor(out_name, weight.shape[0], h, w)

    def emit(self, op, inputs, output, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=name, **attrs))

    def fused_activation(self, layer, cfg, t):
        act = cfg.get("activation", "linear")
        if act == "linear":
            return t
        if act == "relu":
            out = f"{layer['name']}_relu"
            self.emit("Relu", [t.name], out, out)
            return Tensor(out, t.channels, t.height, t.width)
        raise ConversionError(f"layer {layer['name']}: fused activation '{act}' not supported")

    # --- layers ------------------------------------------------------------------------------
    def layer_InputLayer(self, layer, cfg, weights):
        shape = cfg.get("batch_input_shape")
        if not shape or len(shape) != 4:
            raise ConversionError(f"layer {layer['name']}: expected a 4-D batch_input_shape, got {shape}")
        _, h, w, c = shape
        if None in (h, w, c):
            raise ConversionError(f"layer {layer['name']}: spatial size must be fixed, got {shape}")
        if self.input_tensor is not None:
            raise ConversionError(f"layer {layer['name']}: more than one input layer")
        self.input_tensor = Tensor(INPUT_NAME, c, h, w)
        return self.input_tensor

    def layer_Conv2D(self, layer, cfg, weights):
        name = layer["name"]
        self.check_common(layer, cfg)
        x = self.single_input(layer)
        kernel, strides = cfg["kernel_size"], cfg["strides"]
        k = self.take(name, weights, "kernel", (kernel[0], kernel[1], x.channels, cfg["filters"]))
        b = self.take(name, weights, "bias", (cfg["filters"],)) if cfg.get("use_bias", True) else None
        pads = self.pads_for(layer, cfg["padding"], x, kernel, strides)
        t = self.emit_conv(name, x, k.transpose(3, 2, 0, 1), b, pads, strides, 1)
        return self.fused_activation(layer, cfg, t)

    def layer_SeparableConv2D(self, layer, cfg, weights):
        name = layer["name"]
        self.check_common(layer, cfg)
        x = self.single_input(layer)
        kernel, strides = cfg["kernel_size"], cfg["strides"]
        mult = cfg.get("depth_multiplier", 1)
        dk = self.take(name, weights, "depthwise_kernel", (kernel[0], kernel[1], x.channels, mult))
        pk = self.take(name, weights, "pointwise_kernel", (1, 1, x.channels * mult, cfg["filters"]))
        b = self.take(name, weights, "bias", (cfg["filters"],)) if cfg.get("use_bias", True) else None
        pads = self.pads_for(layer, cfg["padding"], x, kernel, strides)
        # depthwise: (kh, kw, C, M) -> (C*M, 1, kh, kw); output channel c*M + m, as Keras/TF order.
        dw = dk.transpose(2, 3, 0, 1).reshape(x.channels * mult, 1, kernel[0], kernel[1])
        mid = self.emit_conv(f"{name}_depthwise", x, dw, None, pads, strides, x.channels)
        t = self.emit_conv(name, mid, pk.transpose(3, 2, 0, 1), b, [0, 0, 0, 0], [1, 1], 1)
        return self.fused_activation(layer, cfg, t)

    def layer_BatchNormalization(self, layer, cfg, weights):
        name = layer["name"]
        x = self.single_input(layer)
        axis = cfg.get("axis", -1)
        if axis not in (-1, 3):
            raise ConversionError(f"layer {name}: BatchNormalization axis {axis} not supported (channels_last only)")
        c = x.channels
        eps = float(cfg.get("epsilon", 1e-3))
        gamma = self.take(name, weights, "gamma", (c,)) if cfg.get("scale", True) else np.ones(c, np.float32)
        beta = self.take(name, weights, "beta", (c,)) if cfg.get("center", True) else np.zeros(c, np.float32)
        mean = self.take(name, weights, "moving_mean", (c,))
        var = self.take(name, weights, "moving_variance", (c,))
        scale = gamma.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
        shift = beta.astype(np.float64) - mean.astype(np.float64) * scale
        producer = self.conv_by_output.get(x.name)
        src_layer = self.inbound(layer)[0]
        if self.fold_bn and producer is not None and self.consumers.get(src_layer, 0) == 1 and x.rank == 4:
            producer.weight *= scale[:, None, None, None]
            bias = producer.bias if producer.bias is not None else np.zeros(c)
            producer.bias = bias * scale + shift
            return x  # the conv's output now carries the normalised value
        # Fallback: explicit affine per channel.
        shape = [1, c, 1, 1] if x.rank == 4 else [1, c]
        self.constants.append(numpy_helper.from_array(scale.astype(np.float32).reshape(shape), f"{name}_scale"))
        self.constants.append(numpy_helper.from_array(shift.astype(np.float32).reshape(shape), f"{name}_shift"))
        self.emit("Mul", [x.name, f"{name}_scale"], f"{name}_mul", f"{name}_mul")
        self.emit("Add", [f"{name}_mul", f"{name}_shift"], name, name)
        return Tensor(name, c, x.height, x.width)

    def layer_Activation(self, layer, cfg, weights):
        name = layer["name"]
        x = self.single_input(layer)
        act = cfg["activation"]
        if act == "linear":
            return x
        if act == "relu":
            self.emit("Relu", [x.name], name, name)
        elif act == "softmax":
            self.emit("Softmax", [x.name], name, name, axis=1)
        else:
            raise ConversionError(f"layer {name}: activation '{act}' not supported")
        return Tensor(name, x.channels, x.height, x.width)

    def layer_Dropout(self, layer, cfg, weights):
        return self.single_input(layer)  # identity at inference

    def layer_MaxPooling2D(self, layer, cfg, weights):
        name = layer["name"]
        self.check_common(layer, cfg)
        x = self.single_input(layer)
        pool = cfg["pool_size"]
        strides = cfg.get("strides") or pool
        pads = self.pads_for(layer, cfg["padding"], x, pool, strides)
        self.emit("MaxPool", [x.name], name, name, kernel_shape=list(pool), strides=list(strides), pads=pads)
        h = out_size(x.height, pool[0], strides[0], pads[0], pads[2])
        w = out_size(x.width, pool[1], strides[1], pads[1], pads[3])
        return Tensor(name, x.channels, h, w)

    def layer_Add(self, layer, cfg, weights):
        name = layer["name"]
        xs = [self.tensors[n] for n in self.inbound(layer)]
        if len(xs) < 2:
            raise ConversionError(f"layer {name}: Add needs at least 2 inputs")
        ref = xs[0]
        for x in xs[1:]:
            if (x.channels, x.height, x.width) != (ref.channels, ref.height, ref.width):
                raise ConversionError(f"layer {name}: Add of mismatched shapes "
                                      f"{(ref.channels, ref.height, ref.width)} vs {(x.channels, x.height, x.width)}")
        acc = ref.name
        for i, x in enumerate(xs[1:]):
            out = name if i == len(xs) - 2 else f"{name}_{i}"
            self.emit("Add", [acc, x.name], out, out)
            acc = out
        return Tensor(name, ref.channels, ref.height, ref.width)

    def layer_GlobalAveragePooling2D(self, layer, cfg, weights):
        name = layer["name"]
        self.check_common(layer, cfg)
        x = self.single_input(layer)
        self.emit("GlobalAveragePool", [x.name], f"{name}_pool", f"{name}_pool")
        self.emit("Flatten", [f"{name}_pool"], name, name, axis=1)
        return Tensor(name, x.channels)

    # --- driver ------------------------------------------------------------------------------
    def convert(self):
        layers = self.config["layers"]
        for layer in layers:
            for src in self.inbound(layer):
                self.consumers[src] = self.consumers.get(src, 0) + 1
        self.constants = []
        for layer in layers:
            cls = layer["class_name"]
            handler = getattr(self, f"layer_{cls}", None)
            if handler is None:
                raise ConversionError(f"layer {layer['name']}: unsupported layer type {cls}")
            for src in self.inbound(layer):
                if src not in self.tensors:
                    raise ConversionError(f"layer {layer['name']}: input {src} not yet defined (graph not in order)")
            weights = self.layer_weights(layer["name"])
            self.tensors[layer["name"]] = handler(layer, layer["config"], weights)
            unused = [k for k in weights if (layer["name"], k) not in self.used_weights]
            if unused:
                raise ConversionError(f"layer {layer['name']}: weights {unused} were not used")
        layer_names = {l["name"] for l in layers}
        for group_name in self.weights_root:
            if group_name not in layer_names:
                raise ConversionError(f"weight group {group_name} belongs to no layer in model_config")

        inputs = self.config["input_layers"]
        outputs = self.config["output_layers"]
        if len(inputs) != 1 or len(outputs) != 1:
            raise ConversionError(f"expected one input and one output layer, got {len(inputs)} and {len(outputs)}")
        final = self.tensors[outputs[0][0]]
        if final.rank != 2:
            raise ConversionError(f"output layer {outputs[0][0]} is not rank 2")
        return self.build(final)

    def build(self, final):
        nodes, inits = [], list(self.constants)
        for n in self.nodes:
            if isinstance(n, ConvNode):
                inputs = [n.inp, f"{n.name}_W"]
                inits.append(numpy_helper.from_array(n.weight.astype(np.float32), f"{n.name}_W"))
                if n.bias is not None:
                    inputs.append(f"{n.name}_B")
                    inits.append(numpy_helper.from_array(n.bias.astype(np.float32), f"{n.name}_B"))
                nodes.append(helper.make_node(
                    "Conv", inputs, [n.out], name=n.name,
                    kernel_shape=[int(n.weight.shape[2]), int(n.weight.shape[3])],
                    strides=list(n.strides), pads=list(n.pads), group=n.group,
                    dilations=[1, 1]))
            else:
                nodes.append(n)
        # Rename the final tensor to OUTPUT_NAME.
        for node in nodes:
            for i, o in enumerate(node.output):
                if o == final.name:
                    node.output[i] = OUTPUT_NAME
            for i, name in enumerate(node.input):
                if name == final.name:
                    node.input[i] = OUTPUT_NAME
        x = self.input_tensor
        graph = helper.make_graph(
            nodes, "mini_xception",
            [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", x.channels, x.height, x.width])],
            [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", final.channels])],
            initializer=inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="fer-live convert_mini_xception.py")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        return model, final.channels


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("hdf5")
    ap.add_argument("out")
    ap.add_argument("--manifest", help="also write the model manifest JSON here")
    ap.add_argument("--name", default="mini_xception")
    ap.add_argument("--no-fold", action="store_true",
                    help="keep BatchNormalization as Mul+Add instead of folding it (for checking)")
    ap.add_argument("--source", default="oarriaga/face_classification, trained_models/emotion_models/"
                                        "fer2013_mini_XCEPTION.102-0.66.hdf5 (Keras 2.0.5)",
                    help="provenance text for the manifest (the HDF5's sha256 is appended)")
    args = ap.parse_args(argv)
    try:
        conv = Converter(args.hdf5, fold_bn=not args.no_fold)
        model, classes = conv.convert()
    except (ConversionError, KeyError, OSError) as e:
        print(f"convert_mini_xception: {args.hdf5}: {e}", file=sys.stderr)
        return 1
    onnx.save(model, args.out)
    x = conv.input_tensor
    print(f"wrote {args.out}: input {INPUT_NAME} [N,{x.channels},{x.height},{x.width}], "
          f"output {OUTPUT_NAME} [N,{classes}], {len(model.graph.node)} nodes, "
          f"{sum(int(np.prod(i.dims)) for i in model.graph.initializer)} parameters")
    if args.manifest:
        labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        if classes != len(labels):
            print(f"convert_mini_xception: {classes} outputs, expected {len(labels)} FER2013 classes",
                  file=sys.stderr)
            return 1
        manifest = {
            "name": args.name,
            "task": "emotion",
            "input": {"name": INPUT_NAME, "width": x.width, "height": x.height,
                      "color": "gray" if x.channels == 1 else "rgb", "layout": "NCHW",
                      "scale": 255.0, "mean": [0.5] * x.channels, "std": [0.5] * x.channels},
            "output": {"name": OUTPUT_NAME, "kind": "probabilities"},
            "labels": labels,
            "face_margin": 0.0,
            "source": f"{args.source}; HDF5 sha256 {sha256_of(args.hdf5)}; "
                      f"converted by Models/tools/convert_mini_xception.py",
            "license": "MIT",
        }
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print(f"wrote {args.manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
