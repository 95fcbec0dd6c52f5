package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsumerNamesTest {
    @Test
    void sharedNamesRoundTrip() {
        for (Partition p :
                new Partition[] {Partition.WHOLE, new Partition(0, 4), new Partition(3, 4), new Partition(9, 12)}) {
            String name = ConsumerNames.shared("prescription-list", p);
            assertThat(ConsumerNames.parseShared(name)).contains(new ConsumerNames.Parsed("prescription-list", p));
        }
        assertThat(ConsumerNames.shared("stock", Partition.WHOLE)).isEqualTo("verdict-stock");
        assertThat(ConsumerNames.shared("stock", new Partition(1, 4))).isEqualTo("verdict-stock-1of4");
    }

    @Test
    void ephemeralNamesCarryTheInstancesHexSuffix() {
        assertThat(ConsumerNames.parseEphemeral("verdict-stock-view-3f9a0c1d"))
                .contains(new ConsumerNames.Parsed("stock-view", Partition.WHOLE));
        assertThat(ConsumerNames.parseEphemeral("verdict-stock-view-2of4-3f9a0c1d"))
                .contains(new ConsumerNames.Parsed("stock-view", new Partition(2, 4)));
        assertThat(ConsumerNames.parseEphemeral("verdict-stock-view")).isEmpty();
        assertThat(ConsumerNames.parseEphemeral("verdict-read-3f9a0c1d")).isEmpty(); // a reader's, no projection's
    }

    @Test
    void otherNamesAreNoProjections() {
        assertThat(ConsumerNames.parseShared("orders-audit")).isEmpty();
        assertThat(ConsumerNames.parseShared("verdict-")).isEmpty();
        assertThat(ConsumerNames.parseEphemeral("other-3f9a0c1d")).isEmpty();
        // a suffix that is no valid partition stays part of the projection's name
        assertThat(ConsumerNames.parseShared("verdict-audit-4of4"))
                .isEqualTo(Optional.of(new ConsumerNames.Parsed("audit-4of4", Partition.WHOLE)));
        assertThat(ConsumerNames.parseShared("verdict-audit-0of1"))
                .isEqualTo(Optional.of(new ConsumerNames.Parsed("audit-0of1", Partition.WHOLE)));
    }
}
