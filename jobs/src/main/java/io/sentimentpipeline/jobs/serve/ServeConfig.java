package io.sentimentpipeline.jobs.serve;

import io.sentimentpipeline.jobs.config.ConfigError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of {@code pipeline serve} ({@code serve.*}): where the JDBC/ODBC (HiveServer2 protocol)
 * endpoint listens and how clients authenticate. Checked here, before Spark starts, because an
 * endpoint that listens beyond this machine without authentication would hand every table to anyone
 * who can reach the port. For the same reason the Hive settings that decide where and how the server
 * listens ({@link #LISTENER_KEYS}) come from {@code serve.host}, {@code serve.port} and {@code
 * serve.auth} only: {@code serve.hive-conf} may not set them.
 *
 * @param host address to bind; loopback by default
 * @param port TCP port of the Thrift binary protocol
 * @param auth how clients authenticate; required (not {@link Auth#NONE}) unless {@code host} is loopback
 * @param hiveConf extra {@code hive.server2.*} settings, e.g. the LDAP URL or Kerberos keytab
 * @param readOnly true (the default): JDBC clients may only read (see {@link ReadOnlyCheck})
 */
public record ServeConfig(String host, int port, Auth auth, Map<String, String> hiveConf, boolean readOnly) {

  /**
   * The Hive settings that decide who can reach the server, each with the {@code serve.*} key that sets
   * it. {@link #listenerHiveConf()} gives their values, which are applied after everything else.
   */
  public static final Map<String, String> LISTENER_KEYS =
      Map.of(
          "hive.server2.thrift.bind.host", "serve.host",
          "hive.server2.thrift.port", "serve.port",
          "hive.server2.thrift.http.port", "serve.port (serve speaks the binary transport only)",
          "hive.server2.transport.mode", "serve.port (serve speaks the binary transport only)",
          "hive.server2.authentication", "serve.auth");

  /** Client authentication, as Hive's {@code hive.server2.authentication} spells it. */
  public enum Auth {
    NONE("NONE", List.of()),
    LDAP("LDAP", List.of("hive.server2.authentication.ldap.url")),
    KERBEROS(
        "KERBEROS",
        List.of("hive.server2.authentication.kerberos.principal", "hive.server2.authentication.kerberos.keytab")),
    CUSTOM("CUSTOM", List.of("hive.server2.custom.authentication.class"));

    private final String hiveName;
    private final List<String> requiredHiveKeys;

    Auth(String hiveName, List<String> requiredHiveKeys) {
      this.hiveName = hiveName;
      this.requiredHiveKeys = requiredHiveKeys;
    }

    public String hiveName() {
      return hiveName;
    }

    public static Auth parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("serve.auth", "must be none, ldap, kerberos or custom, got '" + value + "'");
      }
    }
  }

  public ServeConfig {
    hiveConf = Map.copyOf(hiveConf);
    if (host == null || host.isBlank()) {
      throw new ConfigError("serve.host", "must be an address to listen on, e.g. 127.0.0.1");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigError("serve.port", "must be a TCP port in 1..65535, got " + port);
    }
    if (auth == Auth.NONE && !isLoopback(host)) {
      throw new ConfigError(
          "serve.auth",
          "is none, but serve.host = " + host + " is reachable from other machines: set serve.auth to ldap,"
              + " kerberos or custom (with its serve.hive-conf settings), or listen on 127.0.0.1");
    }
    for (String key : auth.requiredHiveKeys) {
      if (!hiveConf.containsKey(key)) {
        throw new ConfigError(
            "serve.hive-conf.\"" + key + "\"", "is required when serve.auth = " + auth.name().toLowerCase(Locale.ROOT));
      }
    }
    for (String key : hiveConf.keySet()) {
      if (!key.startsWith("hive.server2.")) {
        throw new ConfigError("serve.hive-conf", "holds hive.server2.* settings only, got '" + key + "'");
      }
      if (LISTENER_KEYS.containsKey(key)) {
        throw new ConfigError("serve.hive-conf.\"" + key + "\"", "may not be set: it decides who can reach the"
            + " server, so only " + LISTENER_KEYS.get(key) + " sets it");
      }
    }
  }

  /** Values of {@link #LISTENER_KEYS}: where and how the Thrift server listens. */
  public Map<String, String> listenerHiveConf() {
    return Map.of(
        "hive.server2.thrift.bind.host", host,
        "hive.server2.thrift.port", String.valueOf(port),
        "hive.server2.thrift.http.port", String.valueOf(port),
        "hive.server2.transport.mode", "binary",
        "hive.server2.authentication", auth.hiveName());
  }

  /** The URL a Hive JDBC client (DBeaver, Superset, beeline) connects to. */
  public String jdbcUrl() {
    String address = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:hive2://" + ("0.0.0.0".equals(host) ? "<this-host>" : address) + ":" + port + "/default";
  }

  /** True for 127.0.0.0/8, ::1 and names resolving to them; unresolvable names count as not loopback. */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
