package dev.verdict.store.personal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.personal.PersonalDataGuideTest.Patient;
import dev.verdict.store.personal.PersonalDataGuideTest.PatientCommand;
import dev.verdict.store.personal.PersonalDataGuideTest.PatientEvent;
import dev.verdict.store.personal.PersonalDataGuideTest.Register;
import dev.verdict.testing.store.InMemoryEventStore;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The runtime drops its decrypted cached states of a personal-data category on an erasure told by the data keys
 * ({@link DataKeys#onErasure}) – at once, in memory, without NATS – and a runtime built later listens as well.
 */
class ErasureEvictionInMemoryTest {

    @Test
    void anErasureDropsTheCachedStatesOfTheCategory() {
        DataKeys keys = DataKeys.inMemory();
        InMemoryEventStore store = InMemoryEventStore.create();
        Registration<PatientCommand, Patient, PatientEvent> registration = Registration.of(
                "patient",
                PersonalDataGuideTest.PATIENTS,
                PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys));
        CommandRuntime runtime = CommandRuntime.builder(store).build();
        EntityHandle<PatientCommand, Patient, PatientEvent> patients = runtime.register(registration);
        patients.handle("p-7", new Register("p-7", "Ada Lovelace", LocalDate.of(1815, 12, 10)));
        patients.handle("p-8", new Register("p-8", "Grace Hopper", LocalDate.of(1906, 12, 9)));
        assertThat(name(patients, "p-7")).isEqualTo("Ada Lovelace"); // cached, decrypted

        keys.erase("p-7");

        assertThat(name(patients, "p-7")).as("right after the erasure").isEqualTo("erased");
        assertThat(name(patients, "p-8")).isEqualTo("Grace Hopper");

        // a runtime built after the first one closed listens as well
        runtime.close();
        CommandRuntime next = CommandRuntime.builder(store).build();
        EntityHandle<PatientCommand, Patient, PatientEvent> again = next.register(registration);
        assertThat(name(again, "p-8")).isEqualTo("Grace Hopper");
        keys.erase("p-8");
        assertThat(name(again, "p-8")).isEqualTo("erased");
        next.close();
    }

    private static String name(EntityHandle<PatientCommand, Patient, PatientEvent> handle, String id) {
        return handle.load(id).state().name().orElse("erased");
    }
}
