package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApplyRetryPolicyTest {

    @Test
    void backoffGrowsByTheMultiplierUpToTheMaximum() {
        ApplyRetryPolicy policy = new ApplyRetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500), 2.0);

        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesZeroAttempts() {
        assertThatThrownBy(() -> new ApplyRetryPolicy(0, Duration.ZERO, Duration.ZERO, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts must be >= 1, was 0");
    }

    @Test
    void refusesAMaximumBelowTheInitialBackoff() {
        assertThatThrownBy(() -> new ApplyRetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff");
    }

    @Test
    @SuppressWarnings("removal")
    void theFormerNameIsTheSamePolicy() {
        RetryPolicy former = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(70), 3.0);

        assertThat(former.toApplyRetryPolicy())
                .isEqualTo(new ApplyRetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(70), 3.0));
        assertThat(former.backoffAfter(3)).isEqualTo(Duration.ofMillis(70));
        assertThat(RetryPolicy.defaults().toApplyRetryPolicy()).isEqualTo(ApplyRetryPolicy.defaults());
        assertThat(RetryPolicy.none().toApplyRetryPolicy()).isEqualTo(ApplyRetryPolicy.none());
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts must be >= 1, was 0");
    }
}
