package dev.verdict.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.decider.TimerRequest;
import dev.verdict.testing.bank.AccountEvent;
import dev.verdict.testing.bank.AccountEvent.Closed;
import dev.verdict.testing.bank.AccountEvent.Opened;
import dev.verdict.testing.bank.AccountEvent.Withdrawn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessSpecTest {
    record SendAlert(String owner, int amount) {}

    /** Alerts the owner of every withdrawal above 50. Its state is the owner's name. */
    static final ProcessManager<AccountEvent, String, SendAlert> LARGE_WITHDRAWAL_ALERTS = new ProcessManager<>() {
        @Override
        public String initialState() {
            return "";
        }

        @Override
        public String evolve(String owner, AccountEvent event) {
            return event instanceof Opened o ? o.owner() : owner;
        }

        @Override
        public List<SendAlert> react(String owner, AccountEvent event) {
            if (event instanceof Withdrawn w && w.amount() > 50) {
                return List.of(new SendAlert(owner, w.amount()));
            }
            return List.of();
        }
    };

    private final ProcessSpec<AccountEvent, String, SendAlert> spec = ProcessSpec.of(LARGE_WITHDRAWAL_ALERTS);

    @Test
    void givenEventsWhenEventThenCommands() {
        spec.given(new Opened("alice"))
                .when(new Withdrawn(80))
                .then(new SendAlert("alice", 80))
                .and()
                .when(new Withdrawn(10))
                .thenNoCommands()
                .and()
                .when(new Closed())
                .thenNoCommands()
                .thenState(owner -> assertThat(owner).isEqualTo("alice"));
    }

    @Test
    void otherCommandsFailWithTheHistoryAndAFieldDifference() {
        assertThatThrownBy(() ->
                        spec.given(new Opened("alice")).when(new Withdrawn(80)).then(new SendAlert("bob", 80)))
                .hasMessageContaining("The process issued other commands than expected.")
                .hasMessageContaining("given: 1 event\n  1. Opened[owner=alice]")
                .hasMessageContaining("when: Withdrawn[amount=80]")
                .hasMessageContaining("command 1 (SendAlert): owner: expected \"bob\" but was \"alice\"");
    }

    @Test
    void unexpectedCommandsFailTheNoCommandsCheck() {
        assertThatThrownBy(() -> spec.givenNothing().when(new Withdrawn(99)).thenNoCommands())
                .hasMessageContaining("Expected no commands, but the process issued 1.")
                .hasMessageContaining("1. SendAlert[owner=, amount=99]");
    }

    @Test
    void commandsSatisfyAChecks() {
        spec.given(new Opened("alice"))
                .when(new Withdrawn(60))
                .thenCommandsSatisfy(commands -> assertThat(commands).hasSize(1));

        assertThatThrownBy(() -> spec.given(new Opened("alice"))
                        .when(new Withdrawn(60))
                        .thenCommandsSatisfy(commands -> assertThat(commands).isEmpty()))
                .hasMessageContaining("The issued commands do not satisfy the check");
    }

    @Test
    void stateCheckFailureShowsTheState() {
        assertThatThrownBy(() -> spec.given(new Opened("alice"))
                        .when(new Closed())
                        .thenState(owner -> assertThat(owner).isEqualTo("bob")))
                .hasMessageContaining("state after: alice");
    }

    @Test
    void catchesAProcessWhoseReactionsAreNotRepeatable() {
        AtomicInteger ids = new AtomicInteger();
        ProcessManager<AccountEvent, String, Integer> counting = new ProcessManager<>() {
            @Override
            public String initialState() {
                return "";
            }

            @Override
            public String evolve(String state, AccountEvent event) {
                return state;
            }

            @Override
            public List<Integer> react(String state, AccountEvent event) {
                return List.of(ids.incrementAndGet());
            }
        };

        assertThatThrownBy(() -> ProcessSpec.of(counting).givenNothing().when(new Closed()))
                .hasMessageContaining("Reacting twice to the same event on the same state issued different commands");
    }

    /** One instance per withdrawal size class ("large"/"small"); an instance ends on its third withdrawal. */
    static final ProcessManager<AccountEvent, Integer, String> PER_CLASS =
            ProcessManager.<AccountEvent, Integer, String>builder(0, AccountEvent.class)
                    .instanceBy(event -> event instanceof Withdrawn w && w.amount() > 50 ? "large" : "small")
                    .evolve(Withdrawn.class, (count, w) -> count + 1)
                    .react(
                            Withdrawn.class,
                            (count, w) -> count == 2 ? List.of("third withdrawal " + w.amount()) : List.of())
                    .ignore(Opened.class, AccountEvent.Deposited.class, Closed.class)
                    .endWhen(count -> count >= 3)
                    .build();

    @Test
    void eachInstanceHasItsOwnStateAndAnEndedInstanceBeginsAgain() {
        ProcessSpec.of(PER_CLASS)
                .given(new Withdrawn(80), new Withdrawn(10), new Withdrawn(90))
                .when(new Withdrawn(70))
                .then("third withdrawal 70")
                .thenState(count -> assertThat(count).isEqualTo(3))
                .thenEnded("large")
                .thenState("small", count -> assertThat(count).isEqualTo(1))
                .and()
                .when(new Withdrawn(99))
                .thenNoCommands()
                .thenState("large", count -> assertThat(count).isEqualTo(1));
        assertThat(ProcessSpec.of(PER_CLASS)
                        .given(new Withdrawn(80), new Withdrawn(10))
                        .when(new Withdrawn(5))
                        .instances())
                .containsOnlyKeys("large", "small")
                .containsEntry("small", 2);
    }

    @Test
    void thenEndedFailsForAnInstanceThatGoesOn() {
        assertThatThrownBy(() -> ProcessSpec.of(PER_CLASS)
                        .givenNothing()
                        .when(new Withdrawn(80))
                        .thenEnded("large"))
                .hasMessageContaining("Expected instance 'large' to end with this event, but it goes on.");
    }

    @Test
    void catchesAProcessWhoseInstancesAreNotRepeatable() {
        AtomicInteger keys = new AtomicInteger();
        ProcessManager<AccountEvent, String, String> drifting = new ProcessManager<>() {
            @Override
            public String initialState() {
                return "";
            }

            @Override
            public String evolve(String state, AccountEvent event) {
                return state;
            }

            @Override
            public List<String> react(String state, AccountEvent event) {
                return List.of();
            }

            @Override
            public List<String> instancesOf(AccountEvent event) {
                return List.of("k" + keys.incrementAndGet());
            }
        };

        assertThatThrownBy(() -> ProcessSpec.of(drifting).givenNothing().when(new Closed()))
                .hasMessageContaining("The instances of the same event differ between two calls");
    }

    static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");

    /**
     * Reminds the owner when no withdrawal followed an opening within an hour; each withdrawal moves the reminder an
     * hour on, and a reminder asks for one more a day later. Closing cancels it.
     */
    static final ProcessManager<AccountEvent, String, SendAlert> REMINDERS = new ProcessManager<>() {
        @Override
        public String initialState() {
            return "";
        }

        @Override
        public String evolve(String owner, AccountEvent event) {
            return event instanceof Opened o ? o.owner() : owner;
        }

        @Override
        public List<SendAlert> react(String owner, AccountEvent event) {
            return List.of();
        }

        @Override
        public List<TimerRequest> timers(String owner, AccountEvent event) {
            if (event instanceof Closed) {
                return List.of(TimerRequest.cancel("remind"));
            }
            return List.of(TimerRequest.after("remind", Duration.ofHours(1)));
        }

        @Override
        public List<SendAlert> onTimer(String owner, TimerDue due) {
            return List.of(new SendAlert(owner, (int) (due.dueAt().getEpochSecond() % 100_000)));
        }

        @Override
        public List<TimerRequest> timersOnTimer(String owner, TimerDue due) {
            return due.name().equals("remind") ? List.of(TimerRequest.after("again", Duration.ofDays(1))) : List.of();
        }
    };

    private static int at(Instant instant) {
        return (int) (instant.getEpochSecond() % 100_000);
    }

    @Test
    void timePassingFiresEachDueTimerInDueOrderIntoItsInstanceWithDelaysFromTheInputsTime() {
        Instant remind = T0.plusSeconds(600).plus(Duration.ofHours(1));
        Instant again = remind.plus(Duration.ofDays(1));
        ProcessSpec.of(REMINDERS)
                .at(T0)
                .given(new Opened("alice"))
                .whenTimePassesTo(T0.plusSeconds(600))
                .thenNoCommands()
                .thenScheduled(ProcessManager.SINGLE_INSTANCE, "remind", T0.plus(Duration.ofHours(1)))
                .and()
                .when(new Withdrawn(5)) // at T0 + 10 min: the reminder moves to an hour after it
                .thenNoCommands()
                .thenTimers(TimerRequest.after("remind", Duration.ofHours(1)))
                .thenScheduled(ProcessManager.SINGLE_INSTANCE, "remind", remind)
                .and()
                .whenTimePassesTo(again)
                .then(new SendAlert("alice", at(remind)), new SendAlert("alice", at(again)))
                .thenTimers(TimerRequest.after("again", Duration.ofDays(1)))
                .thenNotScheduled(ProcessManager.SINGLE_INSTANCE, "again")
                .thenNotScheduled(ProcessManager.SINGLE_INSTANCE, "remind");
    }

    @Test
    void aCancelledTimerNeverFiresAndAnUnscheduledOneCannotBeFired() {
        ProcessSpec.Given<AccountEvent, String, SendAlert> closed = ProcessSpec.of(REMINDERS)
                .at(T0)
                .given(new Opened("alice"))
                .when(new Closed())
                .thenTimers(TimerRequest.cancel("remind"))
                .thenNotScheduled(ProcessManager.SINGLE_INSTANCE, "remind")
                .and();
        closed.whenTimePassesTo(T0.plus(Duration.ofDays(3))).thenNoCommands();
        assertThatThrownBy(() -> closed.whenTimerFires(ProcessManager.SINGLE_INSTANCE, "remind"))
                .hasMessageContaining("No timer 'remind' of instance 'single' is scheduled.");
    }

    @Test
    void whenTimerFiresFiresOnlyThatTimerAtItsDueInstant() {
        ProcessSpec.of(REMINDERS)
                .at(T0)
                .given(new Opened("alice"))
                .whenTimerFires(ProcessManager.SINGLE_INSTANCE, "remind")
                .then(new SendAlert("alice", at(T0.plus(Duration.ofHours(1)))))
                .thenScheduled(
                        ProcessManager.SINGLE_INSTANCE,
                        "again",
                        T0.plus(Duration.ofHours(1)).plus(Duration.ofDays(1)));
    }

    @Test
    void thenTimersAndThenScheduledFailWithWhatWasAskedFor() {
        assertThatThrownBy(() -> ProcessSpec.of(REMINDERS)
                        .at(T0)
                        .givenNothing()
                        .when(new Opened("alice"))
                        .thenTimers(TimerRequest.after("remind", Duration.ofHours(2))))
                .hasMessageContaining("The process asked for other timers than expected.")
                .hasMessageContaining("After[name=remind, delay=PT1H]");
        assertThatThrownBy(() -> ProcessSpec.of(REMINDERS)
                        .at(T0)
                        .givenNothing()
                        .when(new Opened("alice"))
                        .thenScheduled(ProcessManager.SINGLE_INSTANCE, "remind", T0))
                .hasMessageContaining("Expected timer 'remind' of instance 'single' due at " + T0
                        + ", but it is due at " + T0.plus(Duration.ofHours(1)));
    }

    @Test
    void catchesTimerRequestsThatAreNotRepeatable() {
        AtomicInteger calls = new AtomicInteger();
        ProcessManager<AccountEvent, String, SendAlert> drifting = new ProcessManager<>() {
            @Override
            public String initialState() {
                return "";
            }

            @Override
            public String evolve(String owner, AccountEvent event) {
                return owner;
            }

            @Override
            public List<SendAlert> react(String owner, AccountEvent event) {
                return List.of();
            }

            @Override
            public List<TimerRequest> timers(String owner, AccountEvent event) {
                return List.of(TimerRequest.after("remind", Duration.ofMinutes(calls.incrementAndGet())));
            }
        };
        assertThatThrownBy(() -> ProcessSpec.of(drifting).givenNothing().when(new Opened("alice")))
                .hasMessageContaining("Reacting twice to the same event on the same state asked for different timers");
    }

    @Test
    void aBuiltProcessAsksForTimersPerEventTypeAndReactsToThemWhenTheyFire() {
        ProcessManager<AccountEvent, String, SendAlert> built = ProcessManager.<AccountEvent, String, SendAlert>builder(
                        "", AccountEvent.class)
                .evolve(Opened.class, (owner, o) -> o.owner())
                .timers(Opened.class, (owner, o) -> List.of(TimerRequest.after("welcome", Duration.ofMinutes(5))))
                .timers(Closed.class, (owner, c) -> List.of(TimerRequest.cancel("welcome")))
                .ignore(AccountEvent.Deposited.class, Withdrawn.class)
                .onTimer((owner, due) -> List.of(new SendAlert(owner, 0)))
                .evolveOnTimer((owner, due) -> owner + "!")
                .build();
        Instant due = T0.plus(Duration.ofMinutes(5));
        ProcessSpec.of(built)
                .at(T0)
                .givenNothing()
                .when(new Opened("bob"))
                .thenTimers(TimerRequest.after("welcome", Duration.ofMinutes(5)))
                .and()
                .whenTimePassesTo(due)
                .then(new SendAlert("bob", 0))
                .thenState(owner -> assertThat(owner).isEqualTo("bob!"));
        ProcessSpec.of(built)
                .at(T0)
                .given(new Opened("bob"), new Closed())
                .whenTimePassesTo(due)
                .thenNoCommands();
    }
}
