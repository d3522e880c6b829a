import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import {
  fileSecretStore,
  parseSecrets,
  type SecretStore,
  writePrivateFile,
} from '../engine/settings/secrets.ts';

/**
 * Secrets encrypted with the OS keychain (safeStorage), in a 0600 file. Where the keychain is not
 * available (Linux without a secret service), the headless 0600 file is used, and Settings says so.
 */
export function safeSecretStore(dataDir: string, log: (m: string) => void): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) {
    log('safeStorage is not available: secrets are kept in a 0600 file in the data dir');
    return fileSecretStore(dataDir);
  }
  const file = path.join(dataDir, 'secrets.enc');
  return {
    kind: 'safeStorage',
    read() {
      try {
        return parseSecrets(JSON.parse(safeStorage.decryptString(fs.readFileSync(file))));
      } catch {
        return {};
      }
    },
    write(secrets) {
      writePrivateFile(file, safeStorage.encryptString(JSON.stringify(parseSecrets(secrets))));
    },
  };
}
