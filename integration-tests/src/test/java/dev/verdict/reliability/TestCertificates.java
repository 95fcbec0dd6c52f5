package dev.verdict.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority, a server certificate for {@code 127.0.0.1}/{@code localhost} and a client
 * certificate, generated with the {@code openssl} command line in a temporary directory. Fails with one sentence
 * when {@code openssl} is missing – a TLS test is never skipped silently.
 */
final class TestCertificates {
    private static final String PASSWORD = "changeit";

    final Path dir;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientP12;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.clientP12 = dir.resolve("client.p12");
    }

    static TestCertificates generate() {
        try {
            TestCertificates c = new TestCertificates(Files.createTempDirectory("verdict-tls-"));
            Files.writeString(
                    c.dir.resolve("server.ext"),
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
                    StandardCharsets.US_ASCII);
            Files.writeString(c.dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n", StandardCharsets.US_ASCII);
            c.openssl(
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=Verdict test CA",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem");
            c.openssl(
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr");
            c.openssl(
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "server.ext",
                    "-out",
                    "server.pem");
            c.openssl(
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=verdict-app",
                    "-keyout",
                    "client.key",
                    "-out",
                    "client.csr");
            c.openssl(
                    "x509",
                    "-req",
                    "-in",
                    "client.csr",
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "client.ext",
                    "-out",
                    "client.pem");
            c.openssl(
                    "pkcs12",
                    "-export",
                    "-in",
                    "client.pem",
                    "-inkey",
                    "client.key",
                    "-name",
                    "verdict-app",
                    "-out",
                    "client.p12",
                    "-passout",
                    "pass:" + PASSWORD);
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate test certificates: " + e.getMessage(), e);
        }
    }

    /** Trusts only the test CA; presents the client certificate when {@code withClientCertificate}. */
    SSLContext sslContext(boolean withClientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("verdict-test-ca", ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The nats-server {@code tls} block: TLS required, client certificates verified against the test CA. */
    String[] serverConfig() {
        return new String[] {
            "tls {",
            "  cert_file: \"" + serverCert + "\"",
            "  key_file: \"" + serverKey + "\"",
            "  ca_file: \"" + caCert + "\"",
            "  verify: true",
            "  timeout: 5",
            "}"
        };
    }

    /** Deletes the temporary directory with every key and certificate. */
    void delete() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the TLS test needs the 'openssl' command line to generate certificates; install it"
                            + " (e.g. apt-get install openssl)",
                    e);
        }
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating certificates", e);
        }
    }
}
