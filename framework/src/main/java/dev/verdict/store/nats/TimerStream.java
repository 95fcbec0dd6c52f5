package dev.verdict.store.nats;

import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventSubject;
import dev.verdict.store.StoreMisconfigured;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or verifies the stream of a store's timers ({@code <store>_timers}): file storage, no limits, the event
 * store's replicas and duplicate window, message schedules allowed, purges allowed (the scheduler needs them), direct
 * gets. An existing stream is accepted when its subjects are the timer store's and it allows schedules; it is never
 * changed.
 */
final class TimerStream {
    private static final Logger LOG = LoggerFactory.getLogger(TimerStream.class);

    private TimerStream() {}

    static StreamConfiguration desired(NatsEventStoreConfig config) {
        String name = EventSubject.timerStore(config.storeName()).value();
        return StreamConfiguration.builder()
                .name(name)
                .subjects(name + ".>")
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .replicas(config.replicas())
                .duplicateWindow(config.duplicateWindow())
                .allowDirect(true)
                .allowMessageSchedules(true)
                .build();
    }

    static StreamInfo ensure(Connection connection, NatsEventStoreConfig config) {
        StreamProvisioning.requireServerVersion(connection);
        StreamConfiguration desired = desired(config);
        String name = desired.getName();
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamInfo info;
            try {
                info = jsm.getStreamInfo(name);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != JetStreamErrors.STREAM_NOT_FOUND) {
                    throw new StoreMisconfigured("cannot read stream '" + name + "': " + e.getErrorDescription(), e);
                }
                if (!config.provision()) {
                    throw new StoreMisconfigured("timer stream '" + name
                            + "' does not exist and provisioning is switched off (NatsEventStoreConfig.provision)");
                }
                info = create(jsm, desired);
            }
            StreamConfiguration actual = info.getConfiguration();
            if (!actual.getAllowMsgSchedules()) {
                throw new StoreMisconfigured("timer stream '" + name + "' does not allow message schedules"
                        + " (allow_msg_schedules): use nats-server 2.12 or newer, or edit the stream");
            }
            if (!actual.getSubjects().equals(List.of(name + ".>"))) {
                throw new StoreMisconfigured("timer stream '" + name + "' has subjects " + actual.getSubjects()
                        + " but must have exactly [" + name + ".>]");
            }
            return info;
        } catch (IOException e) {
            throw new EventStoreUnavailable("cannot provision timer stream '" + name + "': " + e.getMessage(), e);
        }
    }

    private static StreamInfo create(JetStreamManagement jsm, StreamConfiguration desired) throws IOException {
        try {
            StreamInfo created = jsm.addStream(desired);
            LOG.info("created timer stream '{}'", desired.getName());
            return created;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NAME_IN_USE) {
                throw new StoreMisconfigured(
                        "cannot create timer stream '" + desired.getName() + "': " + e.getErrorDescription(), e);
            }
            try {
                return jsm.getStreamInfo(desired.getName()); // created concurrently by another instance
            } catch (JetStreamApiException again) {
                throw new StoreMisconfigured(
                        "timer stream '" + desired.getName() + "' is reported in use but cannot" + " be read: "
                                + again.getErrorDescription(),
                        again);
            }
        }
    }
}
