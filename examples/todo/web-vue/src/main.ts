import { createClient } from '@mizan/base';
import { createMizan } from '@mizan/vue';
import { createApp } from 'vue';
import App from './App.vue';
import '../../web-shared/style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations and
// sign-in/out with the user's other tabs; `websocket` hears what other users
// and devices change (pushed invalidations, the activity channel).
const client = createClient({ broadcast: true, websocket: true });

createApp(App).use(createMizan(client)).mount('#app');
