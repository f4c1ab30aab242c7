import type { Connection, Model, Schema } from 'mongoose';

/**
 * The base of a repository: its mongoose model, registered on the database's connection under
 * `name` (`class XRepository extends repositoryOf<XDocument>('X', xSchema) { … }`), so each
 * repository holds only its queries.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas are declared untyped (`new Schema({…})`); the document type is D
export function repositoryOf<D>(name: string, schema: Schema<any>) {
  return class {
    readonly model: Model<D>;

    constructor(connection: Connection) {
      this.model = connection.model<D>(name, schema as Schema<D>);
    }
  };
}
