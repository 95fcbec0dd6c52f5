package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PublishAcksTest {
    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** What jnats reads from the same answer: the reference for every plain acknowledgement. */
    private static PublishAck jnats(String s) throws Exception {
        return new PublishAck(new NatsMessage("_INBOX.x", null, json(s)));
    }

    @Test
    void readsAPlainAcknowledgementAsJnatsDoes() throws Exception {
        for (String plain : new String[] {
            "{\"stream\":\"verdict\",\"seq\":42}",
            "{\"stream\":\"verdict\",\"domain\":\"hub\",\"seq\":7,\"duplicate\":true}",
            "{\"stream\":\"s\",\"seq\":7,\"duplicate\":false}",
            "{\"seq\":3,\"stream\":\"s\"}",
            "{\"stream\":\"s\",\"seq\":0}",
            "{\"duplicate\":true,\"seq\":123456789012345678,\"stream\":\"s\"}"
        }) {
            long read = PublishAcks.read(json(plain));
            PublishAck expected = jnats(plain);
            assertThat(read).as(plain).isNotEqualTo(PublishAcks.NOT_PLAIN);
            assertThat(read & ~PublishAcks.DUPLICATE).as(plain).isEqualTo(expected.getSeqno());
            assertThat((read & PublishAcks.DUPLICATE) != 0).as(plain).isEqualTo(expected.isDuplicate());
        }
    }

    @Test
    void leavesEverythingElseToJnats() {
        for (String other : new String[] {
            "{\"error\":{\"code\":400,\"err_code\":10071,\"description\":\"wrong last sequence: 5\"},\"stream\":\"s\",\"seq\":0}",
            "{\"stream\":\"s\",\"seq\":9,\"error\":{\"code\":503}}",
            "{\"stream\":\"s\",\"seq\":9,\"batch\":\"b-1\",\"count\":3}",
            "{\"stream\":\"s\",\"seq\":9,\"val\":\"3\"}",
            "{\"seq\":9}",
            "{\"stream\":\"s\"}",
            "{\"stream\":\"s\",\"seq\":-1}",
            "{\"stream\":\"s\",\"seq\": 9}",
            "{ \"stream\":\"s\",\"seq\":9}",
            "{\"stream\":\"s\",\"seq\":9 }",
            "{\"stream\":\"s\",\"seq\":9x}",
            "{\"stream\":\"s\",\"seq\":1234567890123456789}",
            "{\"stream\":\"s\",\"seq\":1,\"seq\":2}",
            "{\"stream\":\"s\",\"stream\":\"t\",\"seq\":2}",
            "{\"stream\":\"s\\\"\",\"seq\":2}",
            "{\"stream\":\"s\",\"seq\":2,\"duplicate\":1}",
            "{\"stream\":\"s\",\"seq\":2,\"duplicate\":true,\"duplicate\":true}",
            "{\"stream\":\"s\",\"seq\":2}x",
            "{\"stream\":\"s\",\"seq\":2,}",
            "{\"stream\":\"s\",\"seq\":9",
            "{\"stream\":\"s\",\"seq\":",
            "{\"stream\":\"s",
            "{\"",
            "{}",
            "",
            "not json"
        }) {
            assertThat(PublishAcks.read(json(other))).as(other).isEqualTo(PublishAcks.NOT_PLAIN);
        }
        assertThat(PublishAcks.read(null)).isEqualTo(PublishAcks.NOT_PLAIN);
    }

    @Test
    void aBatchsSequencesEndAtItsCommit() throws Exception {
        PublishAck ack = jnats("{\"stream\":\"s\",\"seq\":12,\"batch\":\"b-1\",\"count\":3}");
        assertThat(PublishAcks.batchSequences(ack, 3, IllegalStateException::new))
                .containsExactly(10L, 11L, 12L);
    }

    @Test
    void aBatchAcknowledgedWithAnotherSizeIsAnUnknownOutcome() throws Exception {
        PublishAck ack = jnats("{\"stream\":\"s\",\"seq\":12,\"batch\":\"b-1\",\"count\":1}");
        assertThatThrownBy(() -> PublishAcks.batchSequences(ack, 3, IllegalStateException::new))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the server acknowledged a batch of 1 messages but 3 were sent"
                        + " (is the stream's allow_atomic set?)");
    }
}
