package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PublishAcksTest {
    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsAPlainAcknowledgement() {
        assertThat(PublishAcks.sequence(json("{\"stream\":\"verdict\",\"seq\":42}")))
                .isEqualTo(42);
        assertThat(PublishAcks.duplicate(json("{\"stream\":\"verdict\",\"seq\":42}")))
                .isFalse();
        byte[] dup = json("{\"stream\":\"verdict\",\"domain\":\"hub\",\"seq\":7,\"duplicate\":true}");
        assertThat(PublishAcks.sequence(dup)).isEqualTo(7);
        assertThat(PublishAcks.duplicate(dup)).isTrue();
        assertThat(PublishAcks.duplicate(json("{\"stream\":\"s\",\"seq\":7,\"duplicate\":false}")))
                .isFalse();
        assertThat(PublishAcks.sequence(json("{\"stream\":\"s\",\"seq\":0}"))).isZero();
    }

    @Test
    void leavesEverythingElseToJnats() {
        for (String other : new String[] {
            "{\"error\":{\"code\":400,\"err_code\":10071,\"description\":\"wrong last sequence: 5\"},\"stream\":\"s\",\"seq\":0}",
            "{\"stream\":\"s\",\"seq\":9,\"batch\":\"b-1\",\"count\":3}",
            "{\"stream\":\"s\",\"seq\":9,\"val\":\"3\"}",
            "{\"seq\":9}",
            "{\"stream\":\"s\"}",
            "{\"stream\":\"s\",\"seq\":-1}",
            "{\"stream\":\"s\",\"seq\": 9}",
            "{\"stream\":\"s\",\"seq\":9x}",
            "{\"stream\":\"s\",\"seq\":12345678901234567890}",
            "{\"stream\":\"s\",\"seq\":1,\"seq\":2}",
            "",
            "not json",
            "{\"stream\":\"s\",\"seq\":9"
        }) {
            assertThat(PublishAcks.sequence(json(other))).as(other).isEqualTo(PublishAcks.NOT_PLAIN);
        }
        assertThat(PublishAcks.sequence(null)).isEqualTo(PublishAcks.NOT_PLAIN);
        assertThat(PublishAcks.duplicate(json("{\"stream\":\"s\",\"seq\":7,\"duplicate\":1}")))
                .isNull();
    }
}
