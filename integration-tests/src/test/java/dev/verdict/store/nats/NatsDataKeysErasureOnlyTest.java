package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.testing.nats.LocalNatsServer;
import dev.verdict.testing.nats.StoredBytes;
import io.nats.client.Connection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NatsDataKeys#openForErasure}: an operator erases without the key-encryption key – the wrapped key is gone
 * from the storage directory as with {@link NatsDataKeys#open} – and a missing bucket is never created.
 */
class NatsDataKeysErasureOnlyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void erasesWithoutTheKekAndRefusesEverythingThatNeedsIt() throws Exception {
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection nc = server.connect()) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            KeyEncryptionKey kek = KeyEncryptionKey.aes(bytes);
            NatsDataKeys app = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("ops", kek));
            app.keyForWriting("p-1").orElseThrow();
            app.keyForWriting("p-2").orElseThrow();
            String wrapped = JSON.readTree(nc.keyValue("ops-personal-keys")
                            .get(NatsDataKeys.kvKey("p-1"))
                            .getValue())
                    .get("key")
                    .asText();
            awaitOnDisk(server.storeDir(), wrapped);

            NatsDataKeys operator =
                    NatsDataKeys.openForErasure(nc, "ops-personal-keys").orElseThrow();
            assertThat(operator.erasure("p-1")).isEmpty();
            assertThat(operator.erase("p-1").repeated()).isFalse();
            assertThat(StoredBytes.filesContaining(server.storeDir(), wrapped))
                    .as("the erased subject's wrapped key in the storage directory")
                    .isEmpty();
            assertThat(operator.erase("p-1").repeated()).isTrue();
            assertThatThrownBy(() -> operator.keyForReading("p-2"))
                    .isInstanceOf(StoreMisconfigured.class)
                    .hasMessageContaining("opened for erasure only");
            assertThatThrownBy(() -> operator.keyForWriting("p-3"))
                    .isInstanceOf(StoreMisconfigured.class)
                    .hasMessageContaining("without a key-encryption key");

            NatsDataKeys fresh = NatsDataKeys.open(nc, NatsDataKeys.Settings.of("ops", kek));
            assertThat(fresh.keyForReading("p-1")).isEmpty();
            assertThat(fresh.keyForWriting("p-1"))
                    .as("no new key after erasure")
                    .isEmpty();
            assertThat(fresh.keyForReading("p-2")).isPresent();

            assertThat(NatsDataKeys.openForErasure(nc, "missing-personal-keys")).isEmpty();
            assertThat(nc.jetStreamManagement().getStreamNames()).doesNotContain("KV_missing-personal-keys");
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
}
