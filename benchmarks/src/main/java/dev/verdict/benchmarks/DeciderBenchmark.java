package dev.verdict.benchmarks;

import dev.verdict.benchmarks.domain.Prescription;
import dev.verdict.benchmarks.domain.PrescriptionCommand;
import dev.verdict.benchmarks.domain.PrescriptionEvent;
import dev.verdict.benchmarks.domain.Prescriptions;
import dev.verdict.decider.Decider;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Scenario 7 (JMH): decide + evolve of the benchmark's prescription decider, called as plain static functions and
 * through Verdict's {@link Decider} (built with {@code Decider.of}, and with {@code Decider.builder}: one handler per
 * sealed subtype, dispatched by class) – the framework's part of a decision should cost nothing measurable. Run by {@link DeciderOnly}; not meant to be started by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeciderBenchmark {
    private Decider<PrescriptionCommand, Prescription, PrescriptionEvent> decider;
    private Decider<PrescriptionCommand, Prescription, PrescriptionEvent> typed;
    private Prescription ordered;
    private PrescriptionCommand dispense;
    private PrescriptionCommand dispenseAndNotify;

    @Setup
    public void setUp() {
        decider = Prescriptions.decider();
        typed = Prescriptions.typedDecider();
        ordered = Prescriptions.evolve(
                Prescription.NEW,
                Prescriptions.decide(Prescriptions.order(Payloads.AT), Prescription.NEW)
                        .get(0));
        dispense = Prescriptions.dispense(Payloads.AT);
        dispenseAndNotify = Prescriptions.dispenseAndNotify(Payloads.AT);
    }

    /** One-event decision, plain functions: the floor. */
    @Benchmark
    public Prescription plainDecideEvolve1() {
        Prescription s = ordered;
        for (PrescriptionEvent e : Prescriptions.decide(dispense, s)) {
            s = Prescriptions.evolve(s, e);
        }
        return s;
    }

    /** One-event decision through Verdict's {@code Decider} and its {@code fold}. */
    @Benchmark
    public Prescription verdictDecideEvolve1() {
        return decider.fold(ordered, decider.decide(dispense, ordered));
    }

    /** Three-event decision, plain functions. */
    @Benchmark
    public Prescription plainDecideEvolve3() {
        Prescription s = ordered;
        List<PrescriptionEvent> events = Prescriptions.decide(dispenseAndNotify, s);
        for (PrescriptionEvent e : events) {
            s = Prescriptions.evolve(s, e);
        }
        return s;
    }

    /** Three-event decision through Verdict's {@code Decider}. */
    @Benchmark
    public Prescription verdictDecideEvolve3() {
        return decider.fold(ordered, decider.decide(dispenseAndNotify, ordered));
    }

    /** One-event decision through a decider built with {@code Decider.builder} (dispatch by class). */
    @Benchmark
    public Prescription typedDecideEvolve1() {
        return typed.fold(ordered, typed.decide(dispense, ordered));
    }

    /** Three-event decision through a decider built with {@code Decider.builder}. */
    @Benchmark
    public Prescription typedDecideEvolve3() {
        return typed.fold(ordered, typed.decide(dispenseAndNotify, ordered));
    }
}
