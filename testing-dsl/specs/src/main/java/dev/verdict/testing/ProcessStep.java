package dev.verdict.testing;

import dev.verdict.decider.TimerRequest;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One instance of a process reacting to one input (an event, a fired timer) and evolving, with the laws a {@link
 * ProcessSpec} checks on every step: react, its timers and evolve neither throw nor mutate the state or the input, and
 * reacting twice to the same input on the same state issues the same commands and asks for the same timers (a
 * redelivered input must not issue new commands or move timers).
 *
 * @param react the commands the instance issues on a state
 * @param timersOf the timers it asks for on a state
 * @param evolve its next state
 * @param <S> the state of one instance
 * @param <C> the commands it issues
 */
record ProcessStep<S, C>(Function<S, List<C>> react, Function<S, List<TimerRequest>> timersOf, Function<S, S> evolve) {

    /**
     * Runs the step on {@code state}: adds its commands and timer requests to {@code commands} and {@code requests}
     * and returns the next state.
     *
     * @param report the spec's failure report for a headline and the input, completed with the step's details
     * @throws AssertionError when a law is broken (or react, timers or evolve threw), with the report
     */
    S apply(
            String instance,
            String noun,
            Object input,
            S state,
            List<C> commands,
            List<TimerRequest> requests,
            BiFunction<String, Object, FailureReport> report) {
        String stateBefore = String.valueOf(state);
        String inputBefore = String.valueOf(input);
        List<C> first;
        List<C> again;
        List<TimerRequest> firstTimers;
        List<TimerRequest> againTimers;
        S next;
        try {
            first = List.copyOf(react.apply(state));
            again = List.copyOf(react.apply(state));
            firstTimers = List.copyOf(timersOf.apply(state));
            againTimers = List.copyOf(timersOf.apply(state));
            next = evolve.apply(state);
        } catch (RuntimeException e) {
            throw report.apply("The process threw while observing the " + noun + ".", input)
                    .line("instance", instance)
                    .exception("thrown", e)
                    .failure(e);
        }
        if (!stateBefore.equals(String.valueOf(state)) || !inputBefore.equals(String.valueOf(input))) {
            throw report.apply(
                            "The process mutated its state or the " + noun + "; react and evolve must be pure.", input)
                    .line("instance", instance)
                    .line("state before", stateBefore)
                    .line("state after", state)
                    .failure();
        }
        if (!first.equals(again)) {
            throw report.apply(
                            "Reacting twice to the same " + noun + " on the same state issued different commands; a"
                                    + " redelivered " + noun + " would issue new commands.",
                            input)
                    .line("instance", instance)
                    .list("first", first, "command")
                    .list("second", again, "command")
                    .failure(first, again);
        }
        if (!firstTimers.equals(againTimers)) {
            throw report.apply(
                            "Reacting twice to the same " + noun
                                    + " on the same state asked for different timers; a" + " redelivered " + noun
                                    + " would move its timers.",
                            input)
                    .line("instance", instance)
                    .list("first", firstTimers, "timer request")
                    .list("second", againTimers, "timer request")
                    .failure(firstTimers, againTimers);
        }
        commands.addAll(first);
        requests.addAll(firstTimers);
        return next;
    }
}
