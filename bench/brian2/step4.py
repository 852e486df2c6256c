#!/usr/bin/python3
"""Brian2 C++ standalone run of the course's Step 4 (spikegraph bench's network).

The recurrent Izhikevich network of Rasch's CCN course (2012), Step 4, as
spikegraph's bench package builds it (bench.Spec), for Brian2 2.5's
cpp_standalone device. Run with Debian's Python, which has python3-brian:

    /usr/bin/python3 bench/brian2/step4.py                 # n = 1e3, 1e4, 1e5; seeds 1..5
    /usr/bin/python3 bench/brian2/step4.py --n 1000 --seeds 1 2 3

It prints one line per run and a summary per n: the loop time (Brian2's
device._last_run_time, see below), ns per neuron-step, and the excitatory
and inhibitory rates (Hz per neuron, mean +- standard error over seeds).
See README.md next to it for how it maps to `spikegraph bench`. Not in CI.
"""

import argparse
import warnings
import math
import os
import statistics
import sys
import time

import numpy as np

# The course's constants (models/network/network.go).
DT_MS = 0.5
DURATION_MS = 1000.0
N_IN = 100            # Poisson trains
RATE_IN_HZ = 2.0      # inside the window
WINDOW_MS = (200.0, 700.0)  # open interval
P_IN = 0.1            # train -> neuron connection probability
W_IN = 0.07
TAU_G_MS = 10.0
E_EXC = 0.0
E_INH = -85.0
P_INH = 0.2           # fraction of inhibitory (fast-spiking) neurons
GAMMA_SCALE = 0.003   # recurrent weights Gamma(shape 2, scale 0.003)
INH_TO_EXC = 2.0      # inhibitory-to-excitatory weights doubled
V_PEAK = 35.0
IN_DEGREE = 100.0     # p_rec = 100 / n


def default_p_rec(n):
    return 1.0 if n <= IN_DEGREE else IN_DEGREE / n


def run_one(n, seed, p_rec, directory):
    """Builds, compiles and runs the network once; returns a dict."""
    from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor,
                        defaultclock, device, ms, run, seed as b2_seed)
    device.reinit()
    device.activate(directory=directory, build_on_run=False)
    defaultclock.dt = DT_MS * ms
    b2_seed(seed)  # the generated code's random numbers (connections, weights, Poisson draws)

    # Cell types: each neuron inhibitory with probability 0.2. Neurons are
    # exchangeable (every connection is drawn independently), so the
    # inhibitory ones are put last: n_inh ~ Binomial(n, 0.2).
    n_inh = int(np.random.default_rng(seed).binomial(n, P_INH))
    n_exc = n - n_inh

    # The course's scheme: a spiking sample resets without integrating.
    # Brian2 integrates, thresholds and resets within one step; holding v
    # and u for one further step (refractory = 2 dt: not_refractory is
    # timestep(t - lastspike) >= 2) makes the same sequence of states:
    # course: (35, u1), (c, u1 + d), Euler...; Brian2: (c, u1 + d), held,
    # Euler... The current uses v at the start of the step (explicit Euler),
    # and the conductances decay by 1 - dt/tau per step (Euler of -g/tau).
    eqs = '''
    dv/dt = ((0.04*v + 5)*v + 140 - u + I)/ms : 1 (unless refractory)
    du/dt = a*(b*v - u)/ms : 1 (unless refractory)
    I = ge*(E_exc - v) + gi*(E_inh - v) : 1
    dge/dt = -ge/tau_g : 1
    dgi/dt = -gi/tau_g : 1
    a : 1 (constant)
    b : 1 (constant)
    c : 1 (constant)
    d : 1 (constant)
    '''
    ns = {'E_exc': E_EXC, 'E_inh': E_INH, 'tau_g': TAU_G_MS * ms,
          'w_in': W_IN, 'n_exc': n_exc, 'scale': GAMMA_SCALE, 'inh_to_exc': INH_TO_EXC}
    P = NeuronGroup(n, eqs, threshold='v >= %g' % V_PEAK, reset='v = c; u += d',
                    refractory=2 * defaultclock.dt, method='euler', namespace=ns, name='net')
    P.v = -70.0
    P.u = -14.0
    P.b = 0.2
    P.c = -65.0
    P.a = '0.02*int(i < n_exc) + 0.1*int(i >= n_exc)'  # regular spiking, fast spiking
    P.d = '8.0*int(i < n_exc) + 2.0*int(i >= n_exc)'

    # 100 Poisson trains at 2 Hz in the open window (200, 700) ms.
    rates = '%g*Hz*int(t > %g*ms)*int(t < %g*ms)' % (RATE_IN_HZ, WINDOW_MS[0], WINDOW_MS[1])
    inp = PoissonGroup(N_IN, rates=rates, name='in')
    s_in = Synapses(inp, P, on_pre='ge_post += w_in', namespace=ns, name='syn_in')
    s_in.connect(p=P_IN)
    # The course adds step k's input spikes to g before step k's update;
    # Brian2 draws them after the groups' update (thresholds slot), one
    # step later, unless the draw and its synapses run before the groups.
    inp.thresholder['spike'].when = 'before_groups'
    s_in.pre.when = 'before_groups'
    s_in.pre.order = 1

    # Recurrent synapses, event-driven: a spike adds w to the postsynaptic
    # conductance of its class (ge: E = 0 mV, gi: E = -85 mV). Gamma(2, s)
    # is the sum of two exponentials of mean s, drawn in two assignments
    # (Brian2 allows one rand() per expression).
    exp1 = '-scale*log(1.0 - rand())'
    Pe, Pi = P[:n_exc], P[n_exc:]
    s_e = Synapses(Pe, P, 'w : 1 (constant)', on_pre='ge_post += w', namespace=ns, name='syn_exc')
    s_e.connect(p=p_rec)
    s_e.w = exp1
    s_e.w = 'w ' + exp1
    s_i = Synapses(Pi, P, 'w : 1 (constant)', on_pre='gi_post += w', namespace=ns, name='syn_inh')
    s_i.connect(p=p_rec)
    s_i.w = exp1
    s_i.w = 'w ' + exp1
    s_i.w = 'w*(1.0 + (inh_to_exc - 1.0)*int(j < n_exc))'  # inhibitory-to-excitatory doubled

    m_e = SpikeMonitor(Pe, record=False, name='spikes_exc')
    m_i = SpikeMonitor(Pi, record=False, name='spikes_inh')

    run(DURATION_MS * ms)
    t0 = time.perf_counter()
    device.build(directory=directory, compile=True, run=True, debug=False)
    build_and_run_s = time.perf_counter() - t0
    loop_s = float(device._last_run_time)
    sec = DURATION_MS / 1e3
    return {
        'n': n, 'seed': seed, 'p_rec': p_rec, 'loop_s': loop_s,
        'build_and_run_s': build_and_run_s,
        'n_exc': n_exc, 'n_inh': n_inh,
        'spikes_exc': int(m_e.num_spikes), 'spikes_inh': int(m_i.num_spikes),
        'rate_exc_hz': m_e.num_spikes / max(n_exc, 1) / sec,
        'rate_inh_hz': m_i.num_spikes / max(n_inh, 1) / sec,
        'synapses': int(len(s_e) + len(s_i)), 'synapses_in': int(len(s_in)),
    }


def mean_se(x):
    m = statistics.fmean(x)
    se = statistics.stdev(x) / math.sqrt(len(x)) if len(x) > 1 else 0.0
    return m, se


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--n', type=int, nargs='+', default=[1000, 10000, 100000])
    ap.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5])
    ap.add_argument('--dir', default=os.path.join(os.environ.get('TMPDIR', '/tmp'), 'spikegraph-brian2'),
                    help='build directories (one per n, reused: only changed files recompile)')
    args = ap.parse_args(argv)

    warnings.filterwarnings('ignore', category=FutureWarning)  # Debian's pythran on numpy 2
    import brian2 as b2
    b2.set_device('cpp_standalone', build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, as the Go engines
    b2.prefs.logging.console_log_level = 'WARNING'
    print('# Brian2 %s, cpp_standalone, dt %g ms, %g ms, compile args %s'
          % (b2.__version__, DT_MS, DURATION_MS, ' '.join(b2.prefs.codegen.cpp.extra_compile_args_gcc)))
    print('# loop_s: device._last_run_time = std::clock() CPU seconds of Network::run\'s loop (no build, no synapse creation)')
    print('%-7s %4s %8s %10s %12s %9s %9s %9s' % ('n', 'seed', 'p', 'loop_s', 'ns/neur-step', 'exc_Hz', 'inh_Hz', 'synapses'))
    summary = []
    for n in args.n:
        p_rec = default_p_rec(n)
        runs = []
        for s in args.seeds:
            r = run_one(n, s, p_rec, os.path.join(args.dir, 'n%d' % n))
            steps = DURATION_MS / DT_MS
            print('%-7d %4d %8.3g %10.4f %12.2f %9.3f %9.3f %9d' % (
                n, s, p_rec, r['loop_s'], r['loop_s'] / n / steps * 1e9,
                r['rate_exc_hz'], r['rate_inh_hz'], r['synapses']), flush=True)
            runs.append(r)
        loop = statistics.median(r['loop_s'] for r in runs)
        exc = mean_se([r['rate_exc_hz'] for r in runs])
        inh = mean_se([r['rate_inh_hz'] for r in runs])
        summary.append((n, p_rec, len(runs), loop, exc, inh))
    print()
    print('%-7s %8s %5s %16s %12s %18s %18s' % ('n', 'p', 'runs', 'loop_s (median)', 'ns/neur-step', 'exc Hz +- SE', 'inh Hz +- SE'))
    for n, p_rec, k, loop, exc, inh in summary:
        print('%-7d %8.3g %5d %16.4f %12.2f %10.3f +- %.3f %10.3f +- %.3f' % (
            n, p_rec, k, loop, loop / n / (DURATION_MS / DT_MS) * 1e9, exc[0], exc[1], inh[0], inh[1]))


if __name__ == '__main__':
    main(sys.argv[1:])
