"""The layered networks' params files: DLFS's save_params and load_params, as checked JSON.

The book pickles a network's ``params`` dict; pureml writes JSON instead
(nothing is ever unpickled), with what it takes to rebuild the network:

    {"format": "pureml.layernet", "network": "TwoLayerNet", "config": {...},
     "params": {"W1": [[...]], "b1": [...], ...},
     "running": {"BatchNorm1": {"running_mean": [...], "running_var": [...]}},
     "metadata": {...}}

``write`` saves a network (atomically, pureml.data.fileio).  ``read``
treats the file as untrusted (pureml.data.modelfile): W1, W2, ... are
matrices or a conv layer's filters, b, gamma and beta vectors, every
number finite, every size taken from the file's own lists.
``load_into`` fills an existing network's own lists, in place, after
checking that the file holds exactly that network's parameters in its
whole shape (5 x 5 filters are refused for a net of 3 x 3 ones), so that
a bad file changes nothing; ``build`` makes the network the file names,
from its numbers.  Every failure is one ModelFileError naming the file,
the entry and what was expected; a negative running variance is one too.
"""

import collections
import re

from pureml.data import modelfile
from pureml.engine.vectors import nested_shape
from pureml.errors import ArgumentError, ModelFileError

__all__ = ["FORMAT", "ParamsFile", "write", "read", "load_into", "build"]

#: The "format" key of a params file.
FORMAT = "pureml.layernet"

#: The name of a parameter: W1 (a matrix or filters), b1, gamma1, beta1, ...
_PARAM_NAME = re.compile(r"(W|b|gamma|beta)[1-9][0-9]{0,2}")

#: What ``read`` returns: the network's class name, its config, params, running averages, metadata.
ParamsFile = collections.namedtuple("ParamsFile", "network config params running metadata")


def _running(network):
    """Return batch normalisation's running averages, by layer name."""
    return {key: {"running_mean": layer.running_mean, "running_var": layer.running_var}
            for key, layer in network.layers.items()
            if getattr(layer, "running_mean", None) is not None}


def write(file_name, network, metadata=None):
    """Save ``network``'s class name, config(), params and running averages to ``file_name``; return None."""
    data = {"format": FORMAT, "network": type(network).__name__, "config": network.config(),
            "params": network.params, "running": _running(network)}
    if metadata is not None:
        data["metadata"] = metadata
    modelfile.write_json(file_name, data, "params file")


def read(file_name):
    """Return the ParamsFile in ``file_name``, every parameter read and checked."""
    name = str(file_name)
    return parse(modelfile.read_json(file_name, "params file"), name)


def parse(data, name):
    """Return the ParamsFile in a params file's JSON ``data`` (from the file ``name``)."""
    modelfile.require_keys(data, ("format", "network", "params"), name)
    if data["format"] != FORMAT:
        raise ModelFileError("%s: the format is %s; expected %r (a file written by "
                             "save_params)" % (name, modelfile.kind(data["format"]), FORMAT))
    raw = data["params"]
    if not isinstance(raw, dict) or not raw:
        raise ModelFileError("%s: 'params' should be an object of named parameters, not %s"
                             % (name, "an empty one" if raw == {} else modelfile.kind(raw)))
    params = {}
    for key, value in raw.items():
        kind = _PARAM_NAME.fullmatch(key)
        if kind and kind.group(1) == "W":
            params[key] = modelfile.tensor(value, key, name)
        elif kind:
            params[key] = modelfile.vector(value, key, name)
        else:
            raise ModelFileError("%s: unknown parameter %s; expected W1, b1, ... (and gamma1, "
                                 "beta1, ... with batch normalisation)"
                                 % (name, modelfile.short(key)))
    config = data.get("config", {})
    if not isinstance(config, dict):
        raise ModelFileError("%s: 'config' should be an object, not %s"
                             % (name, modelfile.kind(config)))
    running = data.get("running", {})
    if not isinstance(running, dict):
        raise ModelFileError("%s: 'running' should be an object, not %s"
                             % (name, modelfile.kind(running)))
    metadata = data.get("metadata", {})
    return ParamsFile(data["network"], config, params, running, metadata)


def _shape_text(shape):
    """Return a shape (nested_shape's tuple) for messages: "784x50", "30x1x5x5" or "50"."""
    return "x".join(map(str, shape))


def _checked_running(network, running, name):
    """Return {layer name: (running_mean, running_var)}, each one of network's BatchNorm layers'.

    Both lists must be as long as the layer's gamma and every variance
    finite and at least 0 (the square root of a negative one fails only
    when predicting).
    """
    averages = {}
    for key, stats in running.items():
        layer = network.layers.get(key) if isinstance(key, str) else None
        if not hasattr(layer, "running_var"):
            raise ModelFileError("%s: running averages for %s, which is not a "
                                 "BatchNormalization layer of this network"
                                 % (name, modelfile.short(key)))
        if not isinstance(stats, dict):
            raise ModelFileError("%s: running.%s should be an object holding running_mean "
                                 "and running_var, not %s" % (name, key, modelfile.kind(stats)))
        n = len(layer.gamma)
        mean = modelfile.vector(stats.get("running_mean"), key + ".running_mean", name, length=n)
        var = modelfile.vector(stats.get("running_var"), key + ".running_var", name, length=n)
        for j, v in enumerate(var):
            if v < 0:
                raise ModelFileError("%s: %s.running_var[%d] is %r; a variance is at least 0"
                                     % (name, key, j, v))
        averages[key] = mean, var
    return averages


def _set_running(network, averages):
    """Give the network's BatchNorm layers the running averages _checked_running returned."""
    for key, (mean, var) in averages.items():
        network.layers[key].running_mean = mean
        network.layers[key].running_var = var


def load_into(network, file_name):
    """Load parameters saved by ``write`` into ``network``'s own lists, in place; return None.

    The file must hold exactly this network's parameters, each in this
    network's whole shape (the layers keep working on the same lists, as
    the book's keep their arrays), and valid running averages; the network
    is changed only once everything is checked.
    """
    name = str(file_name)
    saved = read(file_name)
    if sorted(saved.params) != sorted(network.params):
        raise ModelFileError("%s: holds the parameters %s; this network has %s"
                             % (name, ", ".join(sorted(saved.params)),
                                ", ".join(sorted(network.params))))
    for key, value in saved.params.items():
        shape, mine = nested_shape(value), nested_shape(network.params[key])
        if shape != mine:
            raise ModelFileError("%s: %s is %s in the file but %s in this network"
                                 % (name, key, _shape_text(shape), _shape_text(mine)))
    running = _checked_running(network, saved.running, name)
    for key, value in saved.params.items():
        mine = network.params[key]
        if mine and isinstance(mine[0], list):
            for row, new in zip(mine, value):
                row[:] = new
        else:
            mine[:] = value
    _set_running(network, running)


def build(saved, name, networks):
    """Return the network a ParamsFile describes, built on its numbers; ``networks`` maps names to classes.

    Each class's ``from_params(params, **config)`` checks that the
    parameters fit together (ArgumentError, turned into ModelFileError
    naming the file here).
    """
    cls = modelfile.name_in(saved.network, networks, "network", "network", name)
    try:
        net = cls.from_params(saved.params, **saved.config)
    except TypeError as exc:
        raise ModelFileError("%s: bad config for %s: %s" % (name, saved.network, exc)) from None
    except ArgumentError as exc:
        raise ModelFileError("%s: %s" % (name, exc)) from None
    _set_running(net, _checked_running(net, saved.running, name))
    return net
