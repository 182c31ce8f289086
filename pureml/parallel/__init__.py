"""Training and measuring on several processes, with the same numbers as on one.

    processes  how many processes, forking safely, and measuring a data set
               among them
    board      the shared memory map through which a split run's processes
               exchange numbers and commands
    sgd        Nielsen's SGD(workers=N): the first layer's neurons split
    trainer    DLFS's Trainer(workers=N): the first Affine's columns split
    blocks     the conv nets (Trainer, network3's SGD): a mini-batch's gradient
               in fixed blocks, shared among any number of processes

Only forked processes on x86-64 split a run (processes.ORDERED_MEMORY
says why); elsewhere ``workers`` stays at 1.
"""
