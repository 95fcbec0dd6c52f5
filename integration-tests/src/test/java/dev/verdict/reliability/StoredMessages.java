package dev.verdict.reliability;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every message of a stream as the server stores it, read with an ordered consumer – independent of the event
 * store's read path, so an audit does not trust the code it audits.
 */
final class StoredMessages {

    /** One stored message. */
    record Stored(
            long sequence,
            String subject,
            Optional<String> msgId,
            Optional<String> commandId,
            Optional<String> type,
            int schemaVersion,
            byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Stored s
                    && sequence == s.sequence
                    && subject.equals(s.subject)
                    && msgId.equals(s.msgId)
                    && commandId.equals(s.commandId)
                    && Arrays.equals(data, s.data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence) * 31 + subject.hashCode();
        }

        @Override
        public String toString() {
            return "#" + sequence + " " + subject + " " + msgId.orElse("<no id>") + " (" + data.length + " bytes)";
        }
    }

    private StoredMessages() {}

    /** All messages of the stream, in sequence order, up to its last sequence at the time of the call. */
    static List<Stored> readAll(Connection nc, String stream) throws Exception {
        long last =
                nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
        List<Stored> all = new ArrayList<>();
        if (last == 0) {
            return all;
        }
        OrderedConsumerContext ordered =
                nc.getStreamContext(stream).createOrderedConsumer(new OrderedConsumerConfiguration());
        try (IterableConsumer it = ordered.iterate()) {
            long seq = 0;
            while (seq < last) {
                Message m = it.nextMessage(Duration.ofSeconds(10));
                if (m == null) {
                    throw new AssertionError("stream '" + stream + "' delivered nothing after sequence " + seq
                            + " within 10 s, but its last sequence is " + last);
                }
                seq = m.metaData().streamSequence();
                Headers h = m.getHeaders();
                all.add(new Stored(
                        seq,
                        m.getSubject(),
                        Optional.ofNullable(h == null ? null : h.getFirst("Nats-Msg-Id")),
                        Optional.ofNullable(h == null ? null : h.getFirst("Verdict-Command-Id")),
                        Optional.ofNullable(h == null ? null : h.getFirst("Verdict-Type")),
                        schemaVersion(h),
                        m.getData() == null ? new byte[0] : m.getData()));
            }
        }
        return all;
    }

    private static int schemaVersion(Headers h) {
        String v = h == null ? null : h.getFirst("Verdict-Schema-Version");
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
