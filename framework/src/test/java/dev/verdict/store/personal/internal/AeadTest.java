package dev.verdict.store.personal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link Aead}: the cipher kept per data key is used by one thread at a time – many threads sealing and opening with
 * the same few keys all read back what they sealed, with a fresh IV every time – and a failed open leaves it usable.
 */
class AeadTest {
    private static final byte[] AAD = "verdict-personal-data:p-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void threadsSharingKeysEachGetTheirOwnMessageBack() throws Exception {
        List<SecretKey> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(new SecretKeySpec(Aead.newKey(), "AES"));
        }
        Set<String> ivs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 3_000; i++) {
                        SecretKey key = keys.get(i % keys.size());
                        byte[] plain = ("\"patient " + thread + "/" + i + "\"").getBytes(StandardCharsets.UTF_8);
                        byte[] sealed = Aead.encrypt(key, plain, AAD);
                        ivs.add(java.util.HexFormat.of().formatHex(sealed, 0, 12));
                        if (java.util.Arrays.equals(Aead.decrypt(key, sealed, AAD), plain)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get()).isEqualTo(3_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ivs).hasSize(8 * 3_000);
    }

    @Test
    void aFailedOpenLeavesTheKeysCipherUsable() throws Exception {
        SecretKey key = new SecretKeySpec(Aead.newKey(), "AES");
        byte[] plain = "\"Ada\"".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = Aead.encrypt(key, plain, AAD);
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;

        assertThatThrownBy(() -> Aead.decrypt(key, altered, AAD)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(
                        () -> Aead.decrypt(key, sealed, "verdict-personal-data:p-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
        assertThat(Aead.decrypt(key, sealed, AAD)).isEqualTo(plain);
        assertThat(Aead.decrypt(key, Aead.encrypt(key, plain, AAD), AAD)).isEqualTo(plain);
    }
}
