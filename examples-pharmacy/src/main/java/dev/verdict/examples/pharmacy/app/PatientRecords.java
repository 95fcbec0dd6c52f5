package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.Patient;
import dev.verdict.examples.pharmacy.PatientCommand;
import dev.verdict.examples.pharmacy.PatientDecider;
import dev.verdict.examples.pharmacy.PatientEvent;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.PersonalDataCodec;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The patients' personal data: the key-encryption key from configuration, the data keys in the bucket {@code
 * pharmacy-personal-keys} ({@link NatsDataKeys}), and the {@code patient} entity whose events and snapshots are
 * encrypted per patient ({@link PersonalDataCodec}).
 *
 * <p>The KEK comes from {@code PHARMACY_KEK} (base64 of 32 bytes) or {@code PHARMACY_KEK_FILE} (a file holding it),
 * as environment variables or system properties; {@code scripts/pharmacy} creates a demo key file under its data
 * folder when neither is set. Without either, the app uses a random KEK for this process only and says so: personal
 * data written then cannot be read after a restart.
 */
@Configuration(proxyBeanMethods = false)
class PatientRecords {
    private static final Logger LOG = LoggerFactory.getLogger(PatientRecords.class);

    @Bean
    KeyEncryptionKey pharmacyKeyEncryptionKey(Environment environment) {
        String text = environment.getProperty("PHARMACY_KEK");
        if (text != null && !text.isBlank()) {
            return KeyEncryptionKey.fromBase64(text);
        }
        String file = environment.getProperty("PHARMACY_KEK_FILE");
        if (file != null && !file.isBlank()) {
            try {
                return KeyEncryptionKey.fromFile(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the key-encryption key file PHARMACY_KEK_FILE", e);
            }
        }
        LOG.warn("no key-encryption key configured (PHARMACY_KEK or PHARMACY_KEK_FILE): patients' personal data is"
                + " encrypted with a random key of this process only and cannot be read after a restart");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return KeyEncryptionKey.aes(key);
    }

    @Bean
    NatsDataKeys pharmacyDataKeys(Connection nats, NatsEventStoreConfig store, KeyEncryptionKey kek) {
        return NatsDataKeys.open(
                nats, NatsDataKeys.Settings.of(store.storeName().value(), kek).withReplicas(store.replicas()));
    }

    @Bean
    EntityHandle<PatientCommand, Patient, PatientEvent> patients(CommandRuntime runtime, NatsDataKeys keys) {
        return runtime.register(Registration.of(
                        PatientDecider.TYPE, PersonalDataCodec.events(JsonEventCodec.of(PatientEvent.class), keys))
                .withStateCodec(PersonalDataCodec.state(JsonStateCodec.of(Patient.class), keys))
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(1)));
    }
}
