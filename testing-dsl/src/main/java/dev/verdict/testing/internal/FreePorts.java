package dev.verdict.testing.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports for the servers the test kit starts (nats-server, PostgreSQL) below the kernel's ephemeral range (which starts at 32768 on Linux), so a port chosen
 * now is not taken by some other process's outgoing connection before the server binds it.
 */
public final class FreePorts {
    private static final int LOW = 10_000;
    private static final int HIGH = 32_000;

    private FreePorts() {}

    /**
     * A loopback port that was free a moment ago.
     *
     * @throws IllegalStateException when none is free in the range
     */
    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException taken) {
                // try another one
            }
        }
        throw new IllegalStateException("found no free loopback port between " + LOW + " and " + HIGH);
    }
}
