/**
 * The baseline of the HTTP benches: a bare Apollo Server 5 (standalone, trivial schema, no
 * plugins), in its own process like the service. Prints its URL on stdout.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: {} });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
console.log(JSON.stringify({ url: url.replace(/\/$/, '') }));
