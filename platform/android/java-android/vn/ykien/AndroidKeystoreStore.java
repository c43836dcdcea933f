package vn.ykien;

import android.content.Context;
import android.content.SharedPreferences;
import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyProperties;
import android.util.Base64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The device's secrets sealed by Android Keystore (docs/security.md, docs/android.md).
 * Each secret is encrypted with AES-256-GCM under a key that Android Keystore makes and
 * keeps (in the TEE or StrongBox where the device has one; it never leaves it), the
 * secret's name as associated data; the ciphertext lies in the app's private
 * SharedPreferences. A copy of the app's files alone reveals nothing.
 *
 * <p>NOT COMPILED OR TESTED in this repository's build: it needs the Android SDK, which
 * the build machine does not have (it lies outside platform/android/java/, which the
 * JVM tests compile). Add it to the Android library module with the other sources.
 */
public final class AndroidKeystoreStore implements KeyStore {
  private static final String PROVIDER = "AndroidKeyStore";
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String alias;
  private final SharedPreferences prefs;

  /** {@code alias} names the Keystore key and the preferences file (one per database). */
  public AndroidKeystoreStore(Context context, String alias) {
    this.alias = "ykien." + alias;
    this.prefs = context.getSharedPreferences(this.alias, Context.MODE_PRIVATE);
  }

  @Override
  public synchronized String get(String name) throws Exception {
    String stored = prefs.getString(name, null);
    if (stored == null) return null;
    byte[] sealed = Base64.decode(stored, Base64.NO_WRAP);
    if (sealed.length <= IV_BYTES) throw new IOException("the sealed " + name + " is damaged");
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
    cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
    return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void put(String name, String value) throws Exception {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(Cipher.ENCRYPT_MODE, key());  // Keystore picks a fresh IV
    cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
    byte[] iv = cipher.getIV();
    byte[] body = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
    if (iv.length != IV_BYTES) throw new IOException("unexpected GCM IV length " + iv.length);
    byte[] sealed = new byte[iv.length + body.length];
    System.arraycopy(iv, 0, sealed, 0, iv.length);
    System.arraycopy(body, 0, sealed, iv.length, body.length);
    if (!prefs.edit().putString(name, Base64.encodeToString(sealed, Base64.NO_WRAP)).commit()) {
      throw new IOException("cannot write " + alias);
    }
  }

  @Override
  public synchronized void erase(String name) throws Exception {
    if (!prefs.edit().remove(name).commit()) throw new IOException("cannot write " + alias);
    // The last secret gone (a wipe): the Keystore key goes too.
    if (prefs.getAll().isEmpty()) {
      java.security.KeyStore keystore = java.security.KeyStore.getInstance(PROVIDER);
      keystore.load(null);
      if (keystore.containsAlias(alias)) keystore.deleteEntry(alias);
    }
  }

  private SecretKey key() throws Exception {
    java.security.KeyStore keystore = java.security.KeyStore.getInstance(PROVIDER);
    keystore.load(null);
    java.security.Key existing = keystore.getKey(alias, null);
    if (existing instanceof SecretKey) return (SecretKey) existing;
    KeyGenerator generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER);
    generator.init(new KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT | KeyProperties.PURPOSE_DECRYPT)
                       .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                       .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                       .setKeySize(256)
                       .build());
    return generator.generateKey();
  }
}
