package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.runtime.Counter.Add;
import dev.verdict.runtime.Counter.Event;
import dev.verdict.runtime.Counter.Explode;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.testing.store.InMemoryEventStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interceptors around every command: what they see, what they may change, when they are called. */
class CommandInterceptorTest {
    private final InMemoryEventStore store = InMemoryEventStore.create();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<CommandInterceptor.End> ends = new CopyOnWriteArrayList<>();

    /** Records its begin and end under {@code name}, and adds {@code name=yes} to the command's metadata. */
    private CommandInterceptor recording(String name) {
        return call -> {
            calls.add(name + " begins " + call.category() + " " + call.command() + " on "
                    + Thread.currentThread().getName());
            return CommandInterceptor.Interception.of(call.context().withMetadata(name, "yes"), end -> {
                calls.add(name + " ends " + end.result());
                ends.add(end);
            });
        };
    }

    private EntityHandle<Counter.Command, Counter, Event> counters(CommandRuntime runtime) {
        return runtime.register("counter", Counter.DECIDER, Counter.EVENTS);
    }

    @Test
    void everyCommandIsInterceptedOnceWithItsOutcomeAndItsEventsCarryTheInterceptorsContext() {
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .interceptor(recording("a"))
                .interceptor(recording("b"))
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);
            CommandContext context = CommandContext.withCommandId("cmd-1");

            Outcome<Counter, Event> outcome = counters.handle("c-1", new Add(2), context);

            String thread = Thread.currentThread().getName();
            assertThat(calls)
                    .containsExactly(
                            "a begins counter Add[amount=2, maximum=1000000] on " + thread,
                            "b begins counter Add[amount=2, maximum=1000000] on " + thread,
                            "b ends ACCEPTED",
                            "a ends ACCEPTED");
            CommandInterceptor.End end = ends.get(0);
            assertThat(end.outcome()).containsSame(outcome);
            assertThat(end.failure()).isEmpty();
            assertThat(end.call().entities()).containsExactly(EntityRef.of("counter", "c-1"));
            assertThat(end.call().context().commandId()).isEqualTo("cmd-1");
            assertThat(end.call().context().metadata())
                    .containsEntry("a", "yes")
                    .containsEntry("b", "yes");
            assertThat(store.allEvents().get(0).metadata())
                    .containsEntry("a", "yes")
                    .containsEntry("b", "yes");
        }
    }

    @Test
    void aRejectionAndAFailureAreSeenForWhatTheyAre() {
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).interceptor(recording("a")).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);

            Outcome<Counter, Event> rejected = counters.handle("c-1", new Add(5, 3));
            assertThatThrownBy(() -> counters.handle("c-1", new Explode())).hasMessage("boom");

            assertThat(ends).hasSize(2);
            assertThat(ends.get(0).result()).isEqualTo(RuntimeMetrics.CommandResult.REJECTED);
            assertThat(ends.get(0).outcome()).containsSame(rejected);
            assertThat(ends.get(1).result()).isEqualTo(RuntimeMetrics.CommandResult.FAILED);
            assertThat(ends.get(1).outcome()).isEmpty();
            assertThat(ends.get(1).failure().orElseThrow()).hasMessage("boom");
        }
    }

    @Test
    void anAsynchronousCommandBeginsOnTheCallersThreadAndEndsOnce() throws Exception {
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).interceptor(recording("a")).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);

            Outcome<Counter, Event> outcome =
                    counters.handleAsync("c-1", new Add(1)).get(10, TimeUnit.SECONDS);

            assertThat(calls.get(0)).endsWith(" on " + Thread.currentThread().getName());
            assertThat(ends).hasSize(1);
            assertThat(ends.get(0).outcome()).containsSame(outcome);
            assertThat(store.allEvents().get(0).metadata()).containsEntry("a", "yes");
        }
    }

    @Test
    void aBeginThatThrowsRefusesTheCommandAndEndsTheInterceptorsThatHadBegun() {
        CommandInterceptor refusing = call -> {
            throw new SecurityException("not allowed");
        };
        try (CommandRuntime runtime = CommandRuntime.builder(store)
                .interceptor(recording("a"))
                .interceptor(refusing)
                .build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);

            assertThatThrownBy(() -> counters.handle("c-1", new Add(1))).isInstanceOf(SecurityException.class);
            assertThat(counters.handleAsync("c-1", new Add(1)))
                    .failsWithin(java.time.Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(SecurityException.class);

            assertThat(store.allEvents()).isEmpty();
            assertThat(ends)
                    .hasSize(2)
                    .allSatisfy(end -> assertThat(end.failure()).containsInstanceOf(SecurityException.class));
        }
    }

    @Test
    void anInterceptorMayNotChangeTheCommandId() {
        CommandInterceptor renaming =
                call -> CommandInterceptor.Interception.of(CommandContext.withCommandId("other"), end -> {});
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).interceptor(renaming).build()) {
            EntityHandle<Counter.Command, Counter, Event> counters = counters(runtime);

            assertThatThrownBy(() -> counters.handle("c-1", new Add(1), CommandContext.withCommandId("mine")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("changed the command id from 'mine' to 'other'");
            assertThat(store.allEvents()).isEmpty();
        }
    }

    @Test
    void anEndThatThrowsDoesNotChangeTheOutcome() {
        CommandInterceptor failingAtTheEnd = call -> CommandInterceptor.Interception.of(call.context(), end -> {
            throw new IllegalStateException("exporter down");
        });
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).interceptor(failingAtTheEnd).build()) {
            Outcome<Counter, Event> outcome = counters(runtime).handle("c-1", new Add(1));

            assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
            assertThat(store.allEvents()).hasSize(1);
        }
    }
}
