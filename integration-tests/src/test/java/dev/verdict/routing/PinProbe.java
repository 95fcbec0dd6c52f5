package dev.verdict.routing;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PriorityGroupState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Watches the server's side of the ownership for a test: the pinned/unpinned advisories of the lease consumers (with
 * the server's reason) and, on each, the consumer's state (pinned id, waiting pulls, last delivery).
 */
final class PinProbe implements AutoCloseable {
    private final Connection connection;
    private final Dispatcher dispatcher;
    private final List<String> unpins = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** Watches the lease consumers of {@code scope} (another scope's, e.g. closing in an earlier test, are ignored). */
    PinProbe(Connection connection, String scope) {
        this.connection = connection;
        this.dispatcher = connection.createDispatcher(m -> {
            String body = new String(m.getData(), StandardCharsets.UTF_8);
            String consumer = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
            if (!consumer.startsWith("owner-" + scope + "-")) {
                return;
            }
            String line = Instant.now() + " " + m.getSubject() + " " + body + " state: " + state(consumer);
            log.add(line);
            if (m.getSubject().contains("UNPINNED")) {
                unpins.add(line);
            }
        });
        dispatcher.subscribe("$JS.EVENT.ADVISORY.CONSUMER.PINNED.verdict-owners.>");
        dispatcher.subscribe("$JS.EVENT.ADVISORY.CONSUMER.UNPINNED.verdict-owners.>");
    }

    private String state(String consumer) {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            ConsumerInfo info = jsm.getConsumerInfo("verdict-owners", consumer);
            StringBuilder s = new StringBuilder();
            s.append("waiting=")
                    .append(info.getNumWaiting())
                    .append(" ackPending=")
                    .append(info.getNumAckPending());
            s.append(" redelivered=").append(info.getRedelivered());
            if (info.getPriorityGroupStates() != null) {
                for (PriorityGroupState g : info.getPriorityGroupStates()) {
                    s.append(" pinned=")
                            .append(g.getPinnedClientId())
                            .append('@')
                            .append(g.getPinnedTime());
                }
            }
            return s.toString();
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    /** The unpinned advisories seen (each with the server's reason and the consumer's state then). */
    List<String> unpins() {
        synchronized (unpins) {
            return List.copyOf(unpins);
        }
    }

    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void close() {
        connection.closeDispatcher(dispatcher);
    }
}
