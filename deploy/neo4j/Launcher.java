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
// On every start it makes $NEO4J_PASSWORD the password of user neo4j, with
// CHANGE NOT REQUIRED, so a Bolt client can log in as neo4j/<password>:
//
//  1. Before the DBMS starts, it writes Neo4j's initial-user file
//     (<home-dir>/data/dbms/auth.ini, what `neo4j-admin dbms set-initial-password`
//     writes). Neo4j reads it while it creates the system database, i.e.
//     before the Bolt connector accepts connections, so on a new store the
//     very first login with the right password succeeds. Without it, Bolt was
//     up for a few seconds with only neo4j/neo4j (change required): clients
//     that connect early (the hub retrying its migrations, test processes
//     calling VerifyConnectivity) failed to log in, and 3 failures lock user
//     neo4j for everyone (Neo.ClientError.Security.AuthenticationRateLimit).
//     Neo4j only honours the file for a new store (or while neo4j still has
//     the default password), so:
//  2. once the DBMS is up it also runs ALTER USER, which changes the password
//     of an existing store when NEO4J_PASSWORD changed. Only that case still
//     has a window (between Bolt coming up and this statement) in which the
//     old password is in force.
//
// While it starts it keeps <home-dir>/neo4j.progress up to date for
// neo4j.sh, which waits as long as the start makes progress (see
// ProgressReporter). When the password is set and the default database
// answers, it writes <home-dir>/neo4j.ready (holding its pid) and prints a
// line starting with "NEO4J READY". If starting fails it prints the error and
// exits (status 1), so that neo4j.sh sees the process die instead of waiting
// on it. SIGTERM (or SIGINT) shuts the DBMS down cleanly through a shutdown
// hook, which deletes neo4j.ready and neo4j.progress and prints
// "NEO4J STOPPED".

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
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
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

public class Launcher {
    static final String READY_FILE = "neo4j.ready";
    static final String PROGRESS_FILE = "neo4j.progress";

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
        ProgressReporter progress = new ProgressReporter(home.resolve(PROGRESS_FILE), Thread.currentThread());
        progress.start();

        long pid = ProcessHandle.current().pid();
        log("starting Neo4j (pid " + pid + ", java " + Runtime.version() + ") home=" + home + " conf=" + conf);
        long t0 = System.nanoTime();

        Config config = null;
        try {
            config = Config.newBuilder()
                    .set(GraphDatabaseSettings.neo4j_home, home)
                    .fromFile(conf)
                    .build();
        } catch (RuntimeException e) {
            fail("invalid configuration " + conf + ": " + e.getMessage(), 2);
        }
        Path authIni = null;
        try {
            authIni = writeInitialPassword(config, password);
        } catch (Exception e) {
            fail("could not write the initial password of user neo4j: " + e, 1);
        }

        // The hook is registered before build() so that a SIGTERM during
        // startup still ends in a clean shutdown: it waits for build() to
        // return (or fail) and then shuts the DBMS down.
        AtomicReference<DatabaseManagementService> dbmsRef = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested, stopping the DBMS");
            progress.finish();
            try {
                Files.deleteIfExists(readyFile);
                Files.deleteIfExists(progress.file);
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

        try {
            progress.step("starting the DBMS");
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
            // The system database holds the password now; keep no copy of its hash.
            Files.deleteIfExists(authIni);

            progress.step("setting the password of user neo4j");
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            setPassword(system, password);

            progress.step("running RETURN 1 on the default database");
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            Object one = db.executeTransactionally("RETURN 1 AS one", Map.of(), r -> r.next().get("one"));
            if (!(one instanceof Number) || ((Number) one).longValue() != 1L) {
                fail("default database answered RETURN 1 with " + one, 1);
            }

            Config running = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(Config.class);
            String bolt = String.valueOf(running.get(BoltConnector.listen_address));

            progress.finish();
            progress.step("ready");
            progress.write();
            writeAtomically(readyFile, pid + "\n");

            long ms = (System.nanoTime() - t0) / 1_000_000;
            log("NEO4J READY pid=" + pid + " bolt://" + bolt + " user=neo4j (started in " + ms + " ms)");
        } catch (Throwable t) {
            // An exception escaping main can leave the JVM running on the
            // DBMS's threads, never ready, and neo4j.sh waiting on it; exit
            // instead (the hook still shuts down whatever was started).
            built.countDown();
            t.printStackTrace();
            fail("Neo4j did not start: " + t, 1);
        }

        // Block until the shutdown hook has run (the JVM exits right after it).
        stopped.await();
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    // Tells neo4j.sh whether the start is getting anywhere, through a file
    // holding "<ticks> <step>", written as soon as main() runs and kept until
    // shutdown: neo4j.sh gives up once neither this file nor the logs changed
    // for NEO4J_WAIT_SECONDS. The logs alone are not enough: the thread that
    // starts Neo4j -- this launcher's main thread, which also replays the
    // transaction log when the store needs recovery and compiles the first
    // Cypher statements -- often logs nothing for seconds, over 15 s on a
    // loaded machine. So this samples that thread four times a second and
    // counts a tick (and rewrites the file) when it is RUNNABLE at a
    // different place than at the previous sample. A thread that is blocked,
    // waiting, or stuck in one call does not tick, so a hung start still
    // runs out of time; a JVM merely being alive (timers, GC) does not tick
    // either. A thread that runs but never finishes (a livelock, a GC death
    // spiral) does tick: that is what NEO4J_MAX_WAIT_SECONDS is for.
    static final class ProgressReporter extends Thread {
        final Path file;
        private final Thread worker;
        private volatile String step = "starting";
        private volatile long ticks;

        ProgressReporter(Path file, Thread worker) {
            super("neo4j-sh-progress");
            this.file = file;
            this.worker = worker;
            setDaemon(true);
        }

        void step(String name) {
            step = name;
        }

        // Stops reporting (ready, failed or stopping); the file stays as it is.
        void finish() {
            interrupt();
            try {
                join(2000);
            } catch (InterruptedException ignored) {
                // best effort: neo4j.sh only reads the file while starting
            }
        }

        void write() throws IOException {
            writeAtomically(file, ticks + " " + step + "\n");
        }

        @Override
        public void run() {
            StackTraceElement[] last = null;
            try {
                write();
                while (!isInterrupted()) {
                    Thread.sleep(250);
                    boolean running = worker.getState() == Thread.State.RUNNABLE;
                    StackTraceElement[] now = worker.getStackTrace();
                    if (running && !Arrays.equals(now, last)) {
                        ticks++;
                        write();
                    }
                    last = now;
                }
            } catch (InterruptedException e) {
                // finish() was called
            } catch (IOException e) {
                // An interrupt during a write closes the file channel: that is
                // finish(), not a failure.
                if (!isInterrupted()) {
                    log("progress reporting stopped: " + e);
                }
            }
        }
    }

    // Writes Neo4j's initial-user file for neo4j/<password> (change not
    // required), as `neo4j-admin dbms set-initial-password` does, and returns
    // its path. The length rule is checked here because Neo4j does not check
    // the file, and ALTER USER below then finds the password already set.
    static Path writeInitialPassword(Config config, String password) throws Exception {
        int min = config.get(GraphDatabaseSettings.auth_minimum_password_length);
        if (password.codePointCount(0, password.length()) < min) {
            fail("NEO4J_PASSWORD is too short: Neo4j needs at least " + min + " characters", 2);
        }
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (var fs = new DefaultFileSystemAbstraction()) {
            var repo = new FileUserRepository(fs, file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            repo.start();
            var credential = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            repo.create(new User("neo4j", null, credential, false, false));
            repo.shutdown();
        }
        return file;
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
