package dev.verdict.testing;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every {@link DeciderLaws} law as a ready-made jqwik property: extend it, return your laws, and the test class
 * checks invariants, determinism, absorbing terminal states, snapshot equivalence (when a codec is configured) and
 * idempotency on reachable histories, with shrinking.
 *
 * <pre>{@code
 * class AccountLawsTest extends DeciderLawProperties<AccountCommand, Account, AccountEvent> {
 *     @Override
 *     protected DeciderLaws<AccountCommand, Account, AccountEvent> laws() {
 *         return DeciderLaws.of(BankAccount.DECIDER, AccountCommands.any())
 *                 .invariant("balance is never negative", account -> account.balance() >= 0);
 *     }
 * }
 * }</pre>
 *
 * <p>Each property runs jqwik's default number of tries (1,000, or {@code jqwik.tries.default}); write the
 * properties yourself (see {@link DeciderLaws}) to tune them one by one.
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public abstract class DeciderLawProperties<C, S, E> {

    /** The laws to check; called once per try, so keep it cheap (a constant is ideal). */
    protected abstract DeciderLaws<C, S, E> laws();

    @Provide
    Arbitrary<List<C>> verdictCommandSequences() {
        return laws().commandSequences();
    }

    @Property
    void invariantsHoldInEveryReachableState(@ForAll("verdictCommandSequences") List<C> commands) {
        DeciderLaws<C, S, E> laws = laws();
        if (laws.hasInvariants()) {
            laws.checkInvariants(commands);
        }
    }

    @Property
    void decisionsAreDeterministicAndPure(@ForAll("verdictCommandSequences") List<C> commands) {
        laws().checkDeterminism(commands);
    }

    @Property
    void terminalStatesAreAbsorbing(@ForAll("verdictCommandSequences") List<C> commands) {
        laws().checkTerminalStatesAbsorbing(commands);
    }

    @Property
    void snapshotsAreEquivalentToTheirState(@ForAll("verdictCommandSequences") List<C> commands) {
        DeciderLaws<C, S, E> laws = laws();
        if (laws.hasSnapshotCodec()) {
            laws.checkSnapshotEquivalence(commands);
        }
    }

    @Property
    void idempotentCommandsDecideNothingTwice(@ForAll("verdictCommandSequences") List<C> commands) {
        laws().checkIdempotency(commands);
    }
}
