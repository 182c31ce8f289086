"""The files pureml reads and writes, every one read as untrusted input.

    idx          the IDX format of MNIST's files, read and written (struct, gzip)
    mnistfiles   where MNIST's four files live and reading them into lists
    download     fetching MNIST or Fashion-MNIST, each file checked by its MD5
    expand       Nielsen's expand_mnist.py: images displaced by a pixel or more
    images       the learner's own digits, read in gray and prepared like MNIST
    png, pnm     the image decoders (PNG; PBM, PGM, PPM); imagefile, what they share
    modelfile    the JSON of saved networks, read with every limit checked
    networkfile  network2's model files: Network.save and load
    paramsfile   the layered networks' params files: save_params and load_params
    metadata     what a saved network's metadata says about its training, in words
    fileio       atomic, power-cut-safe saves
"""
