package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionCommand.DispenseDrug;
import dev.verdict.examples.pharmacy.PrescriptionCommand.OrderPrescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand.VerifyPrescription;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.PrescriptionEvent.DrugDispensed;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.store.InMemoryEventStore;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How failures below the API become answers: 409 conflict, 503 unavailable – and a bug stays a bug (500). */
class FailureMappingTest {
    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void exhaustedConflictRetriesAnswer409Conflict() {
        InMemoryEventStore store = InMemoryEventStore.create();
        JsonEventCodec<PrescriptionEvent> codec = JsonEventCodec.of(PrescriptionEvent.class);
        ConflictRetryPolicy twice = ConflictRetryPolicy.defaults()
                .withMaxAttempts(2)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2));
        try (CommandRuntime runtime =
                CommandRuntime.builder(store).retryPolicy(twice).build()) {
            EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions =
                    runtime.register("prescription", new PrescriptionDecider(), codec);
            prescriptions.handle("rx-1", new OrderPrescription("rx-1", "p-1", "aspirin", 30, "tablet", 0, "dr", T));
            prescriptions.handle("rx-1", new VerifyPrescription("ana", T));
            EntityRef rx = EntityRef.of("prescription", "rx-1");
            rivalWritesBeforeEachAppend(store, codec, rx, 2);

            Throwable failure = catchThrowable(() -> prescriptions.handle("rx-1", new DispenseDrug(1, T)));

            assertThat(failure).isInstanceOf(ConflictRetriesExhausted.class);
            ApiError answer = Pharmacy.describeFailure(failure).orElseThrow();
            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.code()).isEqualTo("conflict");
        }
    }

    /** Another writer slips in before each of the next {@code times} appends, so each of them meets a conflict. */
    private static void rivalWritesBeforeEachAppend(
            InMemoryEventStore store, JsonEventCodec<PrescriptionEvent> codec, EntityRef rx, int times) {
        if (times == 0) {
            return;
        }
        store.beforeNextAppend(rx, () -> {
            store.append(
                    rx,
                    store.version(rx),
                    List.of(codec.encode(new DrugDispensed("rx-1", "aspirin", 1, 1, 29, T))),
                    CommandContext.create());
            rivalWritesBeforeEachAppend(store, codec, rx, times - 1);
        });
    }

    @Test
    void anUnreachableEventStoreAnswers503() {
        ApiError answer = Pharmacy.describeFailure(new EventStoreUnavailable("no answer", new IOException("timeout")))
                .orElseThrow();

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.code()).isEqualTo("unavailable");
    }

    @Test
    void anUnreachableReadModelAnswers503() {
        ApiError answer = Pharmacy.describeFailure(
                        new PatientPrescriptions.ReadModelUnavailable("down", new SQLException("connection refused")))
                .orElseThrow();

        assertThat(answer.status()).isEqualTo(503);
    }

    @Test
    void aBugIsNotDisguisedAsAClientOrInfrastructureError() {
        assertThat(Pharmacy.describeFailure(new IllegalStateException("a bug"))).isEmpty();
    }
}
