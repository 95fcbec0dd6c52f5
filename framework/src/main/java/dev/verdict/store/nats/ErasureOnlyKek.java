package dev.verdict.store.nats;

import dev.verdict.store.StoreMisconfigured;
import dev.verdict.store.personal.KeyEncryptionKey;

/**
 * The KEK of data keys opened for erasure only ({@link NatsDataKeys#openForErasure}): there is none, and every use
 * that needs one says so with {@link StoreMisconfigured}. Erasure itself never wraps or unwraps.
 */
final class ErasureOnlyKek implements KeyEncryptionKey {
    private static StoreMisconfigured none() {
        return new StoreMisconfigured("these data keys were opened for erasure only (NatsDataKeys.openForErasure),"
                + " without a key-encryption key");
    }

    @Override
    public String id() {
        throw none();
    }

    @Override
    public byte[] wrap(byte[] dataKey, String subject) {
        throw none();
    }

    @Override
    public byte[] unwrap(byte[] wrapped, String subject) {
        throw none();
    }

    @Override
    public String toString() {
        return "no key-encryption key";
    }
}
