package dev.verdict.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between a NATS client and a server that can lose the server's answers: while {@link
 * #dropAnswers(boolean)} is on, bytes from the server are read and discarded, so a publish reaches the server (and
 * is stored) but its acknowledgement never reaches the client – the "failed but actually stored" case, made
 * deterministic. {@link #cutConnections()} closes every proxied connection, so the client reconnects; {@link #close()}
 * also stops accepting, so the client never reaches the server again – from the server's side, its process died.
 */
public final class CuttableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean dropAnswers;
    private volatile boolean closed;

    public CuttableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "nats://127.0.0.1:" + listener.getLocalPort();
    }

    public void dropAnswers(boolean drop) {
        this.dropAnswers = drop;
    }

    public void cutConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closeQuietly(listener);
        cutConnections();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (this) {
                    if (closed) { // closed while this connection was being accepted: it must not outlive the proxy
                        closeQuietly(client);
                        closeQuietly(server);
                        return;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client, server, false, "proxy-up");
                pump(server, client, true, "proxy-down");
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers, String name) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            if (answers && dropAnswers) {
                                continue;
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection cut: close the other side too
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
