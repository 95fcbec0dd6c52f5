package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreException;
import dev.verdict.store.EventStoreUnavailable;
import org.junit.jupiter.api.Test;

/**
 * How the store reads the stream leader's answer to a {@code last_by_subj} get – the answers are the server's own
 * (the 503 one was printed by nats-server 2.15.1 during a leader change in {@code ClusterFailoverTest}, where reading
 * it as a definite failure reported a stored command as failed).
 */
class LeaderAnswersTest {
    private static final EntityRef ENTITY = EntityRef.of("counter", "c-18");

    @Test
    void a_message_gives_its_sequence() {
        String answer = "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"message\":{\"subject\":"
                + "\"failover.counter.c-18\",\"seq\":6633,\"data\":\"e30=\",\"time\":\"2026-12-07T19:45:00Z\"}}";
        assertThat(EntityReads.lastSequenceIn(ENTITY, answer)).isEqualTo(6633);
    }

    @Test
    void no_message_is_a_new_entity() {
        String answer = "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"error\":{\"code\":404,"
                + "\"err_code\":10037,\"description\":\"no message found\"}}";
        assertThat(EntityReads.lastSequenceIn(ENTITY, answer)).isZero();
    }

    @Test
    void a_temporarily_unavailable_leader_leaves_the_outcome_unknown() {
        String answer = "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"error\":{\"code\":503,"
                + "\"err_code\":10008,\"description\":\"JetStream system temporarily unavailable\"}}";
        assertThatThrownBy(() -> EntityReads.lastSequenceIn(ENTITY, answer))
                .isInstanceOf(EventStoreUnavailable.class)
                .hasMessageContaining("counter/c-18");
    }

    @Test
    void a_refusal_is_a_definite_failure() {
        String answer = "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"error\":{\"code\":400,"
                + "\"err_code\":10003,\"description\":\"bad request\"}}";
        assertThatThrownBy(() -> EntityReads.lastSequenceIn(ENTITY, answer))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(EventStoreUnavailable.class);
    }

    @Test
    void a_transient_status_answer_leaves_the_outcome_unknown() {
        for (int code : new int[] {503, 408, 500}) {
            assertThat(EntityReads.statusFailure(ENTITY, code, "No Responders"))
                    .as("status %d", code)
                    .isInstanceOf(EventStoreUnavailable.class)
                    .hasMessageContaining("counter/c-18");
        }
    }

    @Test
    void another_status_answer_is_a_definite_failure() {
        assertThat(EntityReads.statusFailure(ENTITY, 404, "No Messages"))
                .isInstanceOf(EventStoreException.class)
                .isNotInstanceOf(EventStoreUnavailable.class)
                .hasMessageContaining("status 404");
    }
}
