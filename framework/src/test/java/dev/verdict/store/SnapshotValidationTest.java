package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotValidationTest {
    private final EntityRef rx = EntityRef.of("prescription", "rx-1");
    private final Snapshot atFive = new Snapshot(5, "fp-1", new byte[] {'{', '}'});

    @Test
    void aSnapshotWithTheCurrentShapeAtOrBelowTheEntityVersionIsUsable() {
        assertThat(SnapshotValidation.check(atFive, "fp-1", 5)).isEqualTo(SnapshotValidation.Outcome.USABLE);
        assertThat(SnapshotValidation.usable(rx, Optional.of(atFive), "fp-1", 9))
                .contains(atFive);
    }

    @Test
    void aSnapshotOfAnotherShapeIsIgnored() {
        assertThat(SnapshotValidation.check(atFive, "fp-2", 5))
                .isEqualTo(SnapshotValidation.Outcome.FINGERPRINT_MISMATCH);
        assertThat(SnapshotValidation.usable(rx, Optional.of(atFive), "fp-2", 5))
                .isEmpty();
    }

    @Test
    void aSnapshotAheadOfTheStreamIsIgnored() {
        assertThat(SnapshotValidation.check(atFive, "fp-1", 4)).isEqualTo(SnapshotValidation.Outcome.AHEAD_OF_STREAM);
        assertThat(SnapshotValidation.usable(rx, Optional.of(atFive), "fp-1", 0))
                .isEmpty();
    }

    @Test
    void noSnapshotStaysNoSnapshot() {
        assertThat(SnapshotValidation.usable(rx, Optional.empty(), "fp-1", 5)).isEmpty();
    }
}
