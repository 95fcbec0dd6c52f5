package dev.verdict.testing.laws;

import dev.verdict.store.StateCodec;
import dev.verdict.testing.bank.Account;

/** A broken snapshot codec: it forgets the owner. */
final class ForgetfulAccountCodec implements StateCodec<Account> {
    private final AccountCodec codec = new AccountCodec();

    @Override
    public byte[] encode(Account state) {
        return codec.encode(new Account(state.status(), "", state.balance()));
    }

    @Override
    public Account decode(byte[] bytes) {
        return codec.decode(bytes);
    }

    @Override
    public String fingerprint() {
        return codec.fingerprint();
    }
}
