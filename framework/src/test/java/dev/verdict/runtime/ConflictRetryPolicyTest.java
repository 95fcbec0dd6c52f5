package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConflictRetryPolicyTest {

    @Test
    void theFirstRetryGoesAtOnce() {
        assertThat(ConflictRetryPolicy.defaults().backoffBefore(1)).isZero();
    }

    @Test
    void backoffGrowsExponentiallyWithJitterBetweenHalfAndAllOfTheCeilingFromTheSecondRetry() {
        ConflictRetryPolicy policy =
                ConflictRetryPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(100));
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoffBefore(2)).isBetween(Duration.ofMillis(1), Duration.ofMillis(2));
            assertThat(policy.backoffBefore(4)).isBetween(Duration.ofMillis(4), Duration.ofMillis(8));
            assertThat(policy.backoffBefore(40)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        }
    }

    @Test
    void zeroBackoffNeverWaits() {
        ConflictRetryPolicy policy = ConflictRetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO);
        assertThat(policy.backoffBefore(1)).isZero();
        assertThat(policy.backoffBefore(10)).isZero();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> ConflictRetryPolicy.defaults().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts must be >= 1, was 0");
        assertThatThrownBy(() -> ConflictRetryPolicy.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be shorter");
    }
}
