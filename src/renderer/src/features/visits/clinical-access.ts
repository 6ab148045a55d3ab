import { useSession } from '../../api/context'

/**
 * Whether this person may read clinical content (notes, prescriptions, record files): doctors
 * always, admins where the clinic allows. The core decides on every call; this keeps buttons
 * that would only be refused off the screen.
 */
export function useClinicalAccess(): { read: boolean; write: boolean } {
  const { session, settings } = useSession()
  const role = session?.user.role
  return { read: role === 'doctor' || (role === 'admin' && !!settings?.adminsSeeClinical), write: role === 'doctor' }
}
