package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.store.personal.PersonalDataGuideTest.Patient;
import dev.verdict.store.personal.PersonalDataGuideTest.PatientCommand;
import dev.verdict.store.personal.PersonalDataGuideTest.PatientEvent;
import dev.verdict.store.personal.PersonalDataGuideTest.Register;
import dev.verdict.testing.nats.LocalNatsServer;
import io.nats.client.Connection;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * An erasure made elsewhere reaches the decrypted entity states other instances hold in memory: two runtimes on
 * connections of their own (keys cached for an hour, so that only the key bucket's watch can make it), the subject
 * erased by a third connection as {@code verdict erase} does it – both runtimes stop answering the name within the
 * stated bound, and keep answering another subject's.
 */
class ErasureAcrossInstancesTest {
    /** docs/personal-data.md's bound for an erasure made on another instance (a live connection). */
    private static final Duration BOUND = Duration.ofSeconds(2);

    @Test
    void anErasureByAnotherConnectionDropsTheDecryptedStatesOfEveryInstanceWithinTheBound() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection a = server.connect();
                Connection b = server.connect();
                Connection tool = server.connect()) {
            KeyEncryptionKey kek = KeyEncryptionKey.aes(random32());
            try (Instance first = new Instance(a, kek);
                    Instance second = new Instance(b, kek)) {
                first.patients.handle("p-7", new Register("p-7", "Ada Lovelace", LocalDate.of(1815, 12, 10)));
                first.patients.handle("p-8", new Register("p-8", "Grace Hopper", LocalDate.of(1906, 12, 9)));
                assertThat(nameOn(first, "p-7")).isEqualTo("Ada Lovelace");
                assertThat(nameOn(second, "p-7")).isEqualTo("Ada Lovelace"); // now cached, decrypted, on both
                assertThat(nameOn(second, "p-8")).isEqualTo("Grace Hopper");

                long erasedAt = System.nanoTime();
                NatsDataKeys.openForErasure(tool, "clinic-personal-keys")
                        .orElseThrow()
                        .erase("p-7");
                long giveUp = erasedAt + BOUND.multipliedBy(3).toNanos();
                while ((!nameOn(first, "p-7").equals("erased")
                                || !nameOn(second, "p-7").equals("erased"))
                        && System.nanoTime() < giveUp) {
                    Thread.sleep(20);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - erasedAt);
                assertThat(nameOn(first, "p-7"))
                        .as("the name on the first instance")
                        .isEqualTo("erased");
                assertThat(nameOn(second, "p-7"))
                        .as("the name on the second instance")
                        .isEqualTo("erased");
                assertThat(took).as("time until both stopped answering it").isLessThanOrEqualTo(BOUND);
                assertThat(nameOn(second, "p-8")).isEqualTo("Grace Hopper");
                assertThat(nameOn(first, "p-8")).isEqualTo("Grace Hopper");
            }
        }
    }

    private static String nameOn(Instance instance, String patient) {
        return instance.patients.load(patient).state().name().orElse("erased");
    }

    /** One application instance: its own store objects, key store, runtime. */
    private static final class Instance implements AutoCloseable {
        final NatsDataKeys keys;
        final CommandRuntime runtime;
        final EntityHandle<PatientCommand, Patient, PatientEvent> patients;

        Instance(Connection connection, KeyEncryptionKey kek) {
            NatsEventStoreConfig config = NatsEventStoreConfig.of("clinic");
            keys = NatsDataKeys.open(
                    connection, NatsDataKeys.Settings.of("clinic", kek).withCacheFor(Duration.ofHours(1)));
            runtime = CommandRuntime.builder(NatsEventStore.create(connection, config))
                    .snapshots(NatsSnapshotStore.create(connection, config))
                    .build();
            patients = runtime.register(Registration.of(
                            "patient",
                            PersonalDataGuideTest.PATIENTS,
                            PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys))
                    .withStateCodec(PersonalDataCodec.state(JsonStateCodec.of(Patient.class), keys))
                    .withSnapshotPolicy(SnapshotPolicy.everyEvents(1)));
        }

        @Override
        public void close() {
            runtime.close();
            keys.close();
        }
    }

    private static byte[] random32() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
