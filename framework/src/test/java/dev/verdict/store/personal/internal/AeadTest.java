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
 * {@link Aead}: the cipher a {@link DataKey} carries is used by one thread at a time – many threads sealing and
 * opening with the same few keys all read back what they sealed, with a fresh IV every time – a key's cipher seals
 * with that key only, IVs never repeat (on one thread, across threads), and a failed open leaves the cipher usable.
 */
class AeadTest {
    private static final byte[] AAD = "verdict-personal-data:p-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void threadsSharingKeysEachGetTheirOwnMessageBack() throws Exception {
        List<SecretKey> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(Aead.newDataKey()); // a cipher of its own, shared by the threads
        }
        keys.add(new SecretKeySpec(Aead.newKey(), "AES")); // each thread's cipher
        Set<String> ivs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 4_000; i++) {
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
                assertThat(f.get()).isEqualTo(4_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ivs).as("distinct IVs").hasSize(8 * 4_000);
    }

    /**
     * One thread sealing many values in a row: more than one draw of the thread's IV buffer, and every IV differs from
     * every other (a buffer handing out the same bytes twice, or two threads' generators seeded alike, would repeat).
     */
    @Test
    void ivsNeverRepeatAcrossDrawsAndThreads() throws Exception {
        SecretKey key = Aead.newDataKey();
        byte[] plain = "\"Ada\"".getBytes(StandardCharsets.UTF_8);
        Set<String> ivs = ConcurrentHashMap.newKeySet();
        int perThread = Aead.IVS_PER_DRAW * 50 + 7;
        Runnable sealing = () -> {
            for (int i = 0; i < perThread; i++) {
                ivs.add(java.util.HexFormat.of().formatHex(Aead.encrypt(key, plain, AAD), 0, Aead.IV_BYTES));
            }
        };
        Thread first = new Thread(sealing);
        Thread second = new Thread(sealing);
        first.start();
        second.start();
        first.join();
        second.join();
        sealing.run();
        assertThat(ivs).as("distinct IVs of one key").hasSize(3 * perThread);
    }

    /**
     * A key's own cipher, used for another key in between, still seals with the key it is given: each value opens
     * with the JDK's own cipher under its key only.
     */
    @Test
    void eachValueIsSealedUnderTheKeyItWasGiven() throws Exception {
        DataKey a = Aead.newDataKey();
        DataKey b = Aead.newDataKey();
        byte[] plain = "\"Ada\"".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 4; i++) {
            DataKey key = i % 2 == 0 ? a : b;
            DataKey other = i % 2 == 0 ? b : a;
            byte[] sealed = Aead.encrypt(key, plain, AAD);
            assertThat(jdkOpen(new SecretKeySpec(key.getEncoded(), "AES"), sealed))
                    .isEqualTo(plain);
            assertThatThrownBy(() -> jdkOpen(new SecretKeySpec(other.getEncoded(), "AES"), sealed))
                    .isInstanceOf(GeneralSecurityException.class);
        }
    }

    private static byte[] jdkOpen(SecretKey key, byte[] sealed) throws GeneralSecurityException {
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                javax.crypto.Cipher.DECRYPT_MODE,
                key,
                new javax.crypto.spec.GCMParameterSpec(128, sealed, 0, Aead.IV_BYTES));
        cipher.updateAAD(AAD);
        return cipher.doFinal(sealed, Aead.IV_BYTES, sealed.length - Aead.IV_BYTES);
    }

    /**
     * No more than {@link DataKey#MAX_CIPHERS} key objects hold a cipher (each about 850 bytes), however many keys are
     * in use – the others seal with the thread's cipher, correctly – and a collected key's cipher frees its place.
     */
    @Test
    void keysBeyondTheBudgetSealWithoutACipherOfTheirOwnAndCollectedKeysFreeTheirs() throws Exception {
        byte[] plain = "\"Ada\"".getBytes(StandardCharsets.UTF_8);
        List<DataKey> many = new ArrayList<>();
        for (int i = 0; i < DataKey.MAX_CIPHERS + 500; i++) {
            DataKey key = Aead.newDataKey();
            assertThat(Aead.decrypt(key, Aead.encrypt(key, plain, AAD), AAD)).isEqualTo(plain);
            many.add(key);
        }
        assertThat(DataKey.ciphers()).isLessThanOrEqualTo(DataKey.MAX_CIPHERS).isGreaterThan(DataKey.MAX_CIPHERS / 2);

        many.clear();
        long giveUp = System.nanoTime() + 20_000_000_000L;
        while (DataKey.ciphers() > DataKey.MAX_CIPHERS / 2 && System.nanoTime() < giveUp) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(DataKey.ciphers()).as("ciphers of collected keys").isLessThanOrEqualTo(DataKey.MAX_CIPHERS / 2);
        DataKey late = Aead.newDataKey();
        Aead.encrypt(late, plain, AAD);
        assertThat(late.borrow()).as("a new key gets a cipher again").isNotNull();
    }

    @Test
    void aFailedOpenLeavesTheKeysCipherUsable() throws Exception {
        SecretKey key = Aead.newDataKey();
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
