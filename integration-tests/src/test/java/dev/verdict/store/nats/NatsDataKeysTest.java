package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.decider.DataSubject;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.personal.DataKeys;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.PersonalDataCodec;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.StoredBytes;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * {@link NatsDataKeys} on a real nats-server: what erasure leaves in the server's storage directory (searched byte
 * by byte), erasure seen by another instance within the cache bound, concurrent creation, rotation of the
 * key-encryption key.
 */
class NatsDataKeysTest {
    sealed interface Ev permits Named {}

    record Named(@DataSubject String id, PersonalData<String> name) implements Ev {}

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void erasureOverwritesTheWrappedKeyOnDiskAndStaysErasedAfterARestart() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch()) {
            KeyEncryptionKey kek = newKek();
            byte[] erasedKey;
            String erasedWrapped;
            String keptWrapped;
            try (Connection nc = server.connect()) {
                NatsDataKeys keys = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("erase", kek));
                erasedKey = keys.keyForWriting("p-1").orElseThrow().getEncoded();
                keys.keyForWriting("p-2").orElseThrow();
                KeyValue kv = nc.keyValue("erase-personal-keys");
                erasedWrapped = wrappedOf(kv, "p-1");
                keptWrapped = wrappedOf(kv, "p-2");

                // the search works: the wrapped keys are on disk; the data key itself never is
                awaitOnDisk(server.storeDir(), erasedWrapped);
                assertThat(StoredBytes.filesContaining(server.storeDir(), erasedKey))
                        .isEmpty();
                assertThat(StoredBytes.filesContaining(server.storeDir(), b64(erasedKey)))
                        .isEmpty();

                DataKeys.Erasure erasure = keys.erase("p-1");
                assertThat(StoredBytes.filesContaining(server.storeDir(), erasedWrapped))
                        .as("the erased subject's wrapped key in the storage directory")
                        .isEmpty();
                assertThat(erasure.repeated()).isFalse();
                assertThat(keys.keyForReading("p-1")).isEmpty();
                assertThat(keys.keyForWriting("p-1"))
                        .as("no new key after erasure")
                        .isEmpty();
                DataKeys.Erasure again = keys.erase("p-1");
                assertThat(again.repeated()).isTrue();
                assertThat(again.erasedAt()).isEqualTo(erasure.erasedAt());
                assertThat(StoredBytes.filesContaining(server.storeDir(), keptWrapped))
                        .isNotEmpty();
            }
            server.stop();
            assertThat(StoredBytes.filesContaining(server.storeDir(), erasedWrapped))
                    .isEmpty();
            server.start();
            try (Connection nc = server.connect()) {
                NatsDataKeys keys = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("erase", kek));
                assertThat(keys.keyForReading("p-1")).isEmpty();
                assertThat(keys.erasure("p-1")).isPresent();
                assertThat(keys.keyForReading("p-2")).isPresent();
            }
            assertThat(StoredBytes.filesContaining(server.storeDir(), erasedWrapped))
                    .isEmpty();
        }
    }

    @Test
    void aKvPurgeAloneLeavesTheOldValueOnDisk() throws Exception {
        // why erase() uses message erase: the KV's own delete and purge only add markers
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            NatsDataKeys.open(nc, NatsDataKeys.Settings.of("purge", newKek())).keyForWriting("p-1");
            KeyValue kv = nc.keyValue("purge-personal-keys");
            String wrapped = wrappedOf(kv, "p-1");
            awaitOnDisk(server.storeDir(), wrapped);
            kv.purge(NatsDataKeys.kvKey("p-1"));
            assertThat(kv.get(NatsDataKeys.kvKey("p-1"))).isNull();
            assertThat(StoredBytes.filesContaining(server.storeDir(), wrapped)).isNotEmpty();
        }
    }

    @Test
    void anotherInstanceStopsUsingItsCachedKeyWithinTheBound() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection a = server.connect();
                Connection b = server.connect()) {
            KeyEncryptionKey kek = newKek();
            Duration bound = Duration.ofSeconds(1);
            NatsDataKeys first =
                    NatsDataKeys.open(a, NatsDataKeys.Settings.of("cache", kek).withCacheFor(bound));
            NatsDataKeys second =
                    NatsDataKeys.open(b, NatsDataKeys.Settings.of("cache", kek).withCacheFor(bound));
            SecretKey key = first.keyForWriting("p-1").orElseThrow();
            assertThat(second.keyForReading("p-1")).contains(key);

            long erasedAt = System.nanoTime();
            first.erase("p-1");
            long giveUp = erasedAt + bound.multipliedBy(3).toNanos();
            while (second.keyForReading("p-1").isPresent() && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            assertThat(second.keyForReading("p-1"))
                    .as("the other instance's key after the bound")
                    .isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - erasedAt)).isLessThanOrEqualTo(bound.plusMillis(500));
        }
    }

    /**
     * A key in use is read from the bucket again in the background at three quarters of its cache time, so the
     * commands of a busy subject never wait on the bucket – and the bound still holds: the key is used at most {@code
     * cacheFor} after the bucket last returned it. Without the background read the key would expire at 6 s and the
     * read at 7 s would go to the bucket (and see the erasure).
     */
    @Test
    void aKeyInUseIsReadAgainBeforeItExpiresAndTheBoundStillHolds() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection a = server.connect();
                Connection b = server.connect()) {
            KeyEncryptionKey kek = newKek();
            Duration cacheFor = Duration.ofSeconds(6);
            NatsDataKeys writer = NatsDataKeys.open(a, NatsDataKeys.Settings.of("refresh", kek));
            NatsDataKeys reader = NatsDataKeys.open(
                    b, NatsDataKeys.Settings.of("refresh", kek).withCacheFor(cacheFor));
            reader.close(); // no watch: only the cache's own reads of the bucket can see the erasure
            SecretKey key = writer.keyForWriting("p-1").orElseThrow();
            long loaded = System.nanoTime();
            assertThat(reader.keyForReading("p-1")).contains(key);

            sleepUntil(loaded, Duration.ofMillis(4_700)); // past 3/4 of the cache time: this read starts a re-read
            assertThat(reader.keyForReading("p-1")).contains(key);
            sleepUntil(loaded, Duration.ofMillis(5_600)); // the re-read has returned the key again
            writer.erase("p-1");

            sleepUntil(loaded, Duration.ofMillis(7_000)); // past the first read's expiry
            assertThat(reader.keyForReading("p-1"))
                    .as("served from memory: re-read at 4.7 s, so not expired at 7 s")
                    .contains(key);
            long giveUp = loaded
                    + Duration.ofMillis(4_700).plus(cacheFor).plusSeconds(2).toNanos();
            while (reader.keyForReading("p-1").isPresent() && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            assertThat(reader.keyForReading("p-1"))
                    .as("erased: within cacheFor of the last read of the bucket")
                    .isEmpty();
        }
    }

    /**
     * A re-read that finds the same revision keeps the key object (and so the cipher bound to it) instead of
     * unwrapping a new one; after a re-wrap (a new revision) the key is unwrapped anew and is the same key. With the
     * re-read unwrapping every time, the object after the re-read was another one.
     */
    @Test
    void aReReadOfAnUnchangedKeyKeepsTheKeyObject() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection a = server.connect()) {
            KeyEncryptionKey old = newKek();
            KeyEncryptionKey kek = newKek();
            Duration cacheFor = Duration.ofSeconds(2);
            NatsDataKeys before = NatsDataKeys.open(a, NatsDataKeys.Settings.of("keep", old));
            SecretKey created = before.keyForWriting("p-1").orElseThrow();
            NatsDataKeys keys = NatsDataKeys.open(
                    a, NatsDataKeys.Settings.of("keep", kek).withPrevious(old).withCacheFor(cacheFor));
            SecretKey first = keys.keyForWriting("p-1").orElseThrow();
            long loaded = System.nanoTime();

            sleepUntil(loaded, Duration.ofMillis(1_600)); // past 3/4: starts the re-read
            assertThat(keys.keyForWriting("p-1").orElseThrow()).isSameAs(first);
            sleepUntil(loaded, Duration.ofMillis(2_600)); // past the first read's expiry: served by the re-read
            assertThat(keys.keyForWriting("p-1").orElseThrow())
                    .as("the same key object after a re-read of the same revision")
                    .isSameAs(first);

            assertThat(keys.rewrap()).isEqualTo(1);
            long rewrapped = System.nanoTime();
            sleepUntil(rewrapped, Duration.ofMillis(2_500)); // whatever was cached before the re-wrap has expired
            SecretKey after = keys.keyForWriting("p-1").orElseThrow();
            assertThat(after).as("unwrapped anew after the re-wrap").isNotSameAs(first);
            assertThat(after).isEqualTo(created);
        }
    }

    private static void sleepUntil(long start, Duration after) throws InterruptedException {
        long wait = start + after.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    @Test
    void instancesCreatingTheSameSubjectsKeyAgreeOnOne() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection a = server.connect();
                Connection b = server.connect()) {
            KeyEncryptionKey kek = newKek();
            NatsDataKeys first = NatsDataKeys.open(a, NatsDataKeys.Settings.of("race", kek));
            NatsDataKeys second = NatsDataKeys.open(b, NatsDataKeys.Settings.of("race", kek));
            for (int i = 0; i < 20; i++) {
                String subject = "p-" + i;
                var x = CompletableFuture.supplyAsync(() -> first.keyForWriting(subject));
                var y = CompletableFuture.supplyAsync(() -> second.keyForWriting(subject));
                assertThat(x.get()).isEqualTo(y.get());
            }
        }
    }

    @Test
    void rotatingTheKeyEncryptionKeyRewrapsDataKeysAndLeavesEventsAsTheyAre() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            KeyEncryptionKey old = newKek();
            KeyEncryptionKey current = newKek();
            JsonEventCodec<Ev> plain = JsonEventCodec.of(Ev.class);
            NatsDataKeys before = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("rotate", old));
            EncodedEvent stored =
                    PersonalDataCodec.events(plain, before).encode(new Named("p-1", PersonalData.of("Ada")));
            String oldWrapped = wrappedOf(nc.keyValue("rotate-personal-keys"), "p-1");

            NatsDataKeys rotating = NatsDataKeys.open(
                    nc, NatsDataKeys.Settings.of("rotate", current).withPrevious(old));
            assertThat(rotating.rewrap()).isEqualTo(1);
            assertThat(rotating.rewrap()).as("nothing left to re-wrap").isZero();

            NatsDataKeys after = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("rotate", current));
            EventCodec<Ev> codec = PersonalDataCodec.events(plain, after);
            assertThat(codec.decode(stored)).isEqualTo(new Named("p-1", PersonalData.of("Ada")));
            assertThat(StoredBytes.filesContaining(server.storeDir(), oldWrapped))
                    .as("the key wrapped by the retired KEK")
                    .isEmpty();
        }
    }

    @Test
    void onlyAUserAllowedToEraseMessagesCompletesAnErasure() throws Exception {
        String config = "authorization { users = ["
                + " { user: app, password: app-pw, permissions: { publish: { allow: \">\","
                + " deny: \"$JS.API.STREAM.MSG.DELETE.KV_acl-personal-keys\" }, subscribe: \">\" } },"
                + " { user: operator, password: operator-pw } ] }";
        try (LocalNatsServer server = LocalNatsServer.launch(config);
                Connection app = Nats.connect(server.defaultOptions()
                        .userInfo("app", "app-pw")
                        .connectionTimeout(Duration.ofSeconds(5))
                        .build());
                Connection operator = Nats.connect(server.defaultOptions()
                        .userInfo("operator", "operator-pw")
                        .build())) {
            KeyEncryptionKey kek = newKek();
            NatsDataKeys appKeys = NatsDataKeys.open(app, NatsDataKeys.Settings.of("acl", kek));
            appKeys.keyForWriting("p-1").orElseThrow();
            String wrapped = wrappedOf(operator.keyValue("acl-personal-keys"), "p-1");
            awaitOnDisk(server.storeDir(), wrapped);

            // the application may record the erasure, but not erase the stored key's message
            assertThatThrownBy(() -> appKeys.erase("p-1")).isInstanceOf(EventStoreException.class);
            assertThat(appKeys.keyForReading("p-1"))
                    .as("the key is no longer used")
                    .isEmpty();
            assertThat(StoredBytes.filesContaining(server.storeDir(), wrapped)).isNotEmpty();

            NatsDataKeys operatorKeys = NatsDataKeys.open(operator, NatsDataKeys.Settings.of("acl", kek));
            assertThat(operatorKeys.erase("p-1").repeated()).isTrue();
            assertThat(StoredBytes.filesContaining(server.storeDir(), wrapped)).isEmpty();
        }
    }

    private static void awaitOnDisk(Path dir, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Path> found = StoredBytes.filesContaining(dir, text);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            found = StoredBytes.filesContaining(dir, text);
        }
        assertThat(found).as("written to the storage directory").isNotEmpty();
    }

    private static String wrappedOf(KeyValue kv, String subject) throws Exception {
        return JSON.readTree(kv.get(NatsDataKeys.kvKey(subject)).getValue())
                .get("key")
                .asText();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static KeyEncryptionKey newKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return KeyEncryptionKey.aes(key);
    }
}
