package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.DataSubject;
import dev.verdict.decider.Decider;
import dev.verdict.decider.PersonalData;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StateCodec;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.StoredBytes;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/personal-data.md's model and wiring on a real nats-server, through the runtime with snapshots: nothing of the
 * personal data on the server's disk, and after erasure the history folds with the fields erased – from events and
 * from snapshots – while another patient is untouched.
 */
class PersonalDataGuideTest {
    sealed interface PatientEvent permits PatientRegistered, PatientErased {}

    record PatientRegistered(
            @DataSubject String patientId, PersonalData<String> name, PersonalData<LocalDate> birthDate)
            implements PatientEvent {}

    record PatientErased(String patientId, Instant at) implements PatientEvent {}

    sealed interface PatientCommand permits Register, RecordErasure {}

    record Register(String patientId, String name, LocalDate birthDate) implements PatientCommand {}

    record RecordErasure(String patientId, Instant at) implements PatientCommand {}

    record Patient(@DataSubject String patientId, PersonalData<String> name, boolean erased) {
        static final Patient NONE = new Patient("", PersonalData.erased(), false);
    }

    static final Decider<PatientCommand, Patient, PatientEvent> PATIENTS = Decider.of(
            Patient.NONE,
            (command, state) -> {
                if (command instanceof Register r) {
                    return List.of(new PatientRegistered(
                            r.patientId(), PersonalData.of(r.name()), PersonalData.of(r.birthDate())));
                }
                RecordErasure e = (RecordErasure) command;
                return state.erased() ? List.of() : List.of(new PatientErased(e.patientId(), e.at()));
            },
            (state, event) -> event instanceof PatientRegistered r
                    ? new Patient(r.patientId(), r.name(), false)
                    : new Patient(state.patientId(), PersonalData.erased(), true),
            state -> false);

    @Test
    void personalDataIsEncryptedAtRestAndReadsAsErasedAfterErasure() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection connection = server.connect()) {
            NatsEventStoreConfig config = NatsEventStoreConfig.of("clinic");
            NatsEventStore store = NatsEventStore.create(connection, config);
            NatsSnapshotStore snapshots = NatsSnapshotStore.create(connection, config);
            KeyEncryptionKey kek = KeyEncryptionKey.aes(random32());

            // the guide's wiring
            NatsDataKeys keys = NatsDataKeys.open(connection, NatsDataKeys.Settings.of("clinic", kek));
            EventCodec<PatientEvent> events = PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys);
            StateCodec<Patient> states = PersonalDataCodec.state(JsonStateCodec.of(Patient.class), keys);
            Registration<PatientCommand, Patient, PatientEvent> registration = Registration.of(
                            "patient", PATIENTS, events)
                    .withStateCodec(states)
                    .withSnapshotPolicy(SnapshotPolicy.everyEvents(1));

            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).snapshots(snapshots).build()) {
                EntityHandle<PatientCommand, Patient, PatientEvent> patients = runtime.register(registration);
                patients.handle("p-7", new Register("p-7", "Ada Lovelace", LocalDate.of(1815, 12, 10)));
                patients.handle("p-8", new Register("p-8", "Grace Hopper", LocalDate.of(1906, 12, 9)));
            } // snapshots flushed

            Path disk = server.storeDir();
            assertThat(StoredBytes.filesContaining(disk, "clinic-snapshots")).isNotEmpty();
            for (String secret : List.of("Ada Lovelace", "1815-12-10", "Grace Hopper")) {
                assertThat(StoredBytes.filesContaining(disk, secret)).as(secret).isEmpty();
                assertThat(StoredBytes.filesContaining(disk, b64("\"" + secret + "\"")))
                        .as("base64 of " + secret)
                        .isEmpty();
            }

            keys.erase("p-7");

            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).snapshots(snapshots).build()) {
                EntityHandle<PatientCommand, Patient, PatientEvent> patients = runtime.register(registration);
                Patient fromSnapshot = patients.load("p-7").state();
                assertThat(fromSnapshot).isEqualTo(new Patient("p-7", PersonalData.erased(), false));
                patients.handle("p-7", new RecordErasure("p-7", Instant.parse("2026-12-07T12:00:00Z")));
                assertThat(patients.load("p-8").state().name()).isEqualTo(PersonalData.of("Grace Hopper"));
            }
            // folded from events alone (no snapshot): the same
            try (CommandRuntime runtime =
                    CommandRuntime.builder(store).withoutCache().build()) {
                EntityHandle<PatientCommand, Patient, PatientEvent> patients =
                        runtime.register("patient", PATIENTS, events);
                assertThat(patients.load("p-7").state()).isEqualTo(new Patient("p-7", PersonalData.erased(), true));
                assertThat(patients.load("p-8").state().name().orElse("erased")).isEqualTo("Grace Hopper");
            }
            byte[] snapshot =
                    snapshots.load(EntityRef.of("patient", "p-7")).orElseThrow().state();
            assertThat(states.decode(snapshot).name().isErased()).isTrue();
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random32() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
