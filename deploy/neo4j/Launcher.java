// Runs Neo4j Community embedded, with Bolt on, for development, tests and CI.
//
// Started by deploy/neo4j/neo4j.sh, in Java's single-file source mode:
//
//   NEO4J_PASSWORD=... java <jvm flags> -cp '<cache>/lib/*' deploy/neo4j/Launcher.java <home-dir> <conf-file>
//
// <home-dir>  the Neo4j home: the store goes to <home-dir>/data, Neo4j's debug
//             log to <home-dir>/logs (relative server.directories.* resolve here).
// <conf-file> a neo4j.conf with valid 5.26 keys only (unknown keys stop startup).
//
// On every start it sets the password of user neo4j to $NEO4J_PASSWORD with
// CHANGE NOT REQUIRED, so a Bolt client can log in as neo4j/<password> at once.
// When that is done and the default database answers, it writes
// <home-dir>/neo4j.ready (holding its pid) and prints a line starting with
// "NEO4J READY". SIGTERM (or SIGINT) shuts the DBMS down cleanly through a
// shutdown hook, which deletes neo4j.ready and prints "NEO4J STOPPED".

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Launcher {
    static final String READY_FILE = "neo4j.ready";

    static void log(String msg) {
        System.out.println(Instant.now() + " [launcher] " + msg);
        System.out.flush();
    }

    static void fail(String msg, int code) {
        System.err.println(Instant.now() + " [launcher] ERROR: " + msg);
        System.err.flush();
        System.exit(code);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            fail("usage: java -cp '<lib>/*' Launcher.java <home-dir> <conf-file>", 2);
        }
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        Path conf = Path.of(args[1]).toAbsolutePath().normalize();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            fail("NEO4J_PASSWORD is not set", 2);
        }
        if (!Files.isRegularFile(conf)) {
            fail("config file not found: " + conf, 2);
        }
        Files.createDirectories(home);
        Path readyFile = home.resolve(READY_FILE);
        Files.deleteIfExists(readyFile);

        long pid = ProcessHandle.current().pid();
        log("starting Neo4j (pid " + pid + ", java " + Runtime.version() + ") home=" + home + " conf=" + conf);
        long t0 = System.nanoTime();

        // The hook is registered before build() so that a SIGTERM during
        // startup still ends in a clean shutdown: it waits for build() to
        // return (or fail) and then shuts the DBMS down.
        AtomicReference<DatabaseManagementService> dbmsRef = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested, stopping the DBMS");
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException ignored) {
                // best effort
            }
            try {
                if (!built.await(10, TimeUnit.MINUTES)) {
                    System.err.println(Instant.now() + " [launcher] ERROR: DBMS still starting after 10 minutes, exiting");
                    return;
                }
                DatabaseManagementService dbms = dbmsRef.get();
                if (dbms == null) {
                    log("NEO4J STOPPED: the DBMS had not started");
                    return;
                }
                dbms.shutdown();
                log("NEO4J STOPPED: clean shutdown complete");
            } catch (Throwable t) {
                System.err.println(Instant.now() + " [launcher] ERROR: shutdown failed: " + t);
                t.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .loadPropertiesFromFile(conf)
                    .build();
            dbmsRef.set(dbms);
        } finally {
            built.countDown();
        }

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        setPassword(system, password);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        Object one = db.executeTransactionally("RETURN 1 AS one", Map.of(), r -> r.next().get("one"));
        if (!(one instanceof Number) || ((Number) one).longValue() != 1L) {
            fail("default database answered RETURN 1 with " + one, 1);
        }

        Config config = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(Config.class);
        String bolt = String.valueOf(config.get(BoltConnector.listen_address));

        Path tmp = home.resolve(READY_FILE + ".tmp");
        Files.writeString(tmp, pid + "\n");
        Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        long ms = (System.nanoTime() - t0) / 1_000_000;
        log("NEO4J READY pid=" + pid + " bolt://" + bolt + " user=neo4j (started in " + ms + " ms)");

        // Block until the shutdown hook has run (the JVM exits right after it).
        stopped.await();
    }

    // ALTER USER fails when the new password equals the current one, so on
    // later starts fall back to only clearing the change-required flag.
    static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            log("password of user neo4j set from NEO4J_PASSWORD (change not required)");
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.toLowerCase().contains("cannot be the same")) {
                fail("could not set the password of user neo4j: " + msg, 1);
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
            log("password of user neo4j already matches NEO4J_PASSWORD (change not required)");
        }
    }
}
