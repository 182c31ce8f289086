"""``pureml download``: fetch MNIST (or Fashion-MNIST) and verify it."""


from pureml import mnist
from pureml.cli.common import EXIT_OK, mirrors, say
from pureml.cli.options import add_data_options, add_mirror_option, subparser


def add_parser(commands):
    parser = subparser(
        commands, "download", "fetch the dataset and verify it",
        "Download the four files of the dataset into <data>/<dataset>/, each\n"
        "checked against its published MD5 before it is kept.  Files already\n"
        "there and valid are kept.  Without --mirror the mirrors tried are\n"
        "$PUREML_MIRROR (if set), then the public ones.")
    parser.set_defaults(func=run)
    add_mirror_option(add_data_options(parser, split=False))



def run(args):
    """Fetch and verify the dataset; print where it is; return the exit status."""
    root = mnist.data_root(args.data)
    title = mnist.DATASETS[args.dataset].title
    say("Getting %s into %s" % (title, mnist.dataset_dir(root, args.dataset)))
    folder = mnist.download(root, args.dataset, mirrors(args), log=say)
    print("%s is ready in %s" % (title, folder))
    for name in mnist.FILES:
        print("  " + name)
    print("Train on it with: %s train%s%s" % (
        args.prog, " --data " + args.data if args.data else "",
        " --dataset " + args.dataset if args.dataset != "mnist" else ""), flush=True)
    return EXIT_OK

