"""What a saved network's metadata says about its training, in words: for evaluate and the page.

``train`` saves a dict beside the weights (pureml.cli.session): how many
epochs of how many were run, on how many images, whether Ctrl-C stopped
it, and what each epoch measured on which set.  A file is untrusted, so
every field is used only when it has the type ``train`` writes; anything
else is left out of the description rather than guessed at.

``training_text(metadata)`` is one phrase such as "4 of 30 epochs on
10000 MNIST training images, interrupted 4220 images into epoch 4
(2026-12-02)".  ``accuracy_figure(metadata)`` is the figure that belongs
to the network in the file (not the best epoch's, when the last epoch was
saved): how many right of how many images of which set, and when it was
measured; ``accuracy_text`` says it in words.
"""

__all__ = ["training_text", "accuracy_figure", "accuracy_text"]

_TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
_SETS = ("test", "validation", "training")


def _int(metadata, key):
    """Return ``metadata[key]`` if it is a non-negative int (not a bool), else None."""
    value = metadata.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _text(metadata, key):
    """Return ``metadata[key]`` if it is a str, else None."""
    value = metadata.get(key)
    return value if isinstance(value, str) else None


def _plural(count, noun):
    """Return "1 epoch" or "2 epochs"."""
    return "%d %s%s" % (count, noun, "" if count == 1 else "s")


def training_text(metadata):
    """Return how the network was trained, as one phrase, or "" when the metadata does not say.

    >>> training_text({"epochs_run": 4, "epochs_requested": 30, "training_images": 10000,
    ...                "dataset": "mnist", "interrupted": True,
    ...                "images_into_unfinished_epoch": 4220})
    '4 of 30 epochs on 10000 MNIST training images, interrupted 4220 images into epoch 4'
    >>> training_text({"epochs_run": 0, "epochs_requested": 30, "training_images": 50000,
    ...                "interrupted": True, "images_into_unfinished_epoch": 4220})
    '0 of 30 epochs on 50000 training images, interrupted 4220 images into epoch 0'
    """
    if not isinstance(metadata, dict):
        return ""
    run, requested = _int(metadata, "epochs_run"), _int(metadata, "epochs_requested")
    images = _int(metadata, "training_images")
    into = _int(metadata, "images_into_unfinished_epoch")
    interrupted = metadata.get("interrupted") is True
    dataset = _TITLES.get(_text(metadata, "dataset"), _text(metadata, "dataset"))
    on = ""
    if images is not None:
        on = " on %d %straining images" % (images, dataset + " " if dataset else "")
    elif dataset:
        on = " on " + dataset
    text = ""
    if run is not None:
        text = _plural(run, "epoch")
        if requested is not None and requested != run:
            text = "%d of %s" % (run, _plural(requested, "epoch"))
    text += on
    if interrupted:
        text += (", interrupted %d images into epoch %d" % (into, run)
                 if into and run is not None else ", interrupted")
    elif run is not None and requested is not None and run < requested:
        text += ", stopped early"
    date = _text(metadata, "date")
    if date:
        text += " (%s)" % date[:10]
    return text.strip()


def accuracy_figure(metadata):
    """Return the network's measured accuracy as a dict, or None when the metadata has none.

    The dict has ``correct`` and ``images`` (ints), ``set`` ("test",
    "validation" or "training"), ``of`` (how many images that set has,
    when only its first ``images`` were measured, else None) and ``when``
    (a phrase: "after the last epoch", "after epoch 3", "the kept network
    of epoch 2").  The figure is the one that measured the network saved:
    the kept epoch's test figure, else the whole set measured at the end,
    else the last epoch's, never an earlier best epoch's.
    """
    if not isinstance(metadata, dict):
        return None
    evaluated_on = _text(metadata, "evaluated_on")
    evaluated_on = evaluated_on if evaluated_on in _SETS else None
    kept = _int(metadata, "kept_epoch")
    whole = _int(metadata, "evaluation_set_images")
    test_correct, test_images = _int(metadata, "test_correct"), _int(metadata, "test_images")
    if test_correct is not None and test_images and test_correct <= test_images:
        return _figure(test_correct, test_images, "test",
                       _of(_int(metadata, "test_set_images"), test_images),
                       "the kept network of epoch %d" % kept if kept is not None
                       else "after the last epoch")
    final, final_images = _int(metadata, "final_correct"), _int(metadata, "final_images")
    if final is not None and final_images and final <= final_images and evaluated_on:
        return _figure(final, final_images, evaluated_on, _of(whole, final_images),
                       "after the last epoch")
    per_epoch = metadata.get("correct_per_epoch")
    images = _int(metadata, "evaluation_images")
    of = _of(whole, images)
    if (isinstance(per_epoch, list) and per_epoch and images and evaluated_on
            and all(_is_count(c, images) for c in per_epoch)):
        if kept is not None and kept < len(per_epoch):
            return _figure(per_epoch[kept], images, evaluated_on, of,
                           "the kept network of epoch %d" % kept)
        last = len(per_epoch) - 1
        when = "after epoch %d" % last
        if (metadata.get("interrupted") is True
                and _int(metadata, "images_into_unfinished_epoch")):
            when += ", before the interrupted epoch %d" % (last + 1)
        return _figure(per_epoch[-1], images, evaluated_on, of, when)
    return None


def _of(whole, images):
    """Return the size of the set whose first ``images`` were measured; None if they were all."""
    return whole if whole and images and whole > images else None


def _is_count(value, most):
    """Whether ``value`` is an int from 0 to ``most``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most


def _figure(correct, images, set_name, of, when):
    """Return accuracy_figure's dict."""
    return {"correct": correct, "images": images, "set": set_name, "of": of, "when": when}


def accuracy_text(figure):
    """Return an accuracy_figure in words, or "" for None.

    >>> accuracy_text({"correct": 47, "images": 100, "set": "test", "of": 10000,
    ...                "when": "after epoch 0"})
    '47.00% right on the first 100 of the 10000 test images, after epoch 0'
    >>> accuracy_text({"correct": 9542, "images": 10000, "set": "validation", "of": None,
    ...                "when": "after the last epoch"})
    '95.42% right on the 10000 validation images, after the last epoch'
    """
    if not figure:
        return ""
    share = 100.0 * figure["correct"] / figure["images"]
    if figure["of"]:
        on = "the first %d of the %d" % (figure["images"], figure["of"])
    else:
        on = "the %d" % figure["images"]
    return "%.2f%% right on %s %s images, %s" % (share, on, figure["set"], figure["when"])
