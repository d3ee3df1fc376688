rooms-heading = Rooms
rooms-explain = Describe the camp's rooms once; each session's children are then assigned to them automatically and you can move anyone by hand.
rooms-none = No rooms yet.
rooms-floor-n = floor { $n }
rooms-beds-n = { $n ->
    [one] { $n } bed
   *[other] { $n } beds
}
rooms-for-female = girls
rooms-for-male = boys
rooms-remove = Remove the room
rooms-remove-problem = This room cannot be removed: children are placed in it. Move them first.
rooms-add = Add a room
rooms-name = Room name or number
rooms-floor = Floor
rooms-beds = Beds
rooms-sex = For
rooms-add-button = Add the room
rooms-name-problem = Write the room's name or number (at most 60 characters).
rooms-name-taken = The camp already has a room with this name, or has 1,000 rooms.
rooms-floor-problem = Write the floor as a whole number (for example 2).
rooms-beds-problem = Write the number of beds, from 1 to 40.
rooms-sex-problem = Choose whether the room is for girls or for boys.
rooms-spread-heading = Ages in one room
rooms-spread = The most years between the children of one room
rooms-spread-problem = Write a whole number of years from 0 to 10.
rooms-sessions = Sessions
rooms-session-heading = Rooms of the session
rooms-session-explain = { $n ->
    [one] Girls and boys sleep apart; the children of a room are born at most { $n } year apart.
   *[other] Girls and boys sleep apart; the children of a room are born at most { $n } years apart.
}
rooms-honoured = { $honoured } of { $wished } wished pairs (friends who named each other, siblings) share a room.
rooms-assign = Assign rooms automatically
rooms-assign-explain = Assigns every child of the session afresh: changes made by hand are replaced.
rooms-taken = { $taken } of { $beds } beds taken
rooms-too-far-apart = { $n ->
    [one] The children of this room are born more than { $n } year apart.
   *[other] The children of this room are born more than { $n } years apart.
}
rooms-empty = Nobody in this room.
rooms-unplaced = Without a room
rooms-everyone-placed = Every child has a room.
rooms-age = { $n ->
    [one] { $n } year
   *[other] { $n } years
}
rooms-sex-unknown = sex not given
rooms-wish-together = with { $name }, as wished
rooms-wish-apart = wished to be with { $name }
rooms-move-label = Room for { $name }
rooms-no-room = no room
rooms-move = Move
rooms-move-sex = This room is for the other sex: choose another.
rooms-move-full = This room has no free bed (someone may have just taken it): choose another.
rooms-friends-heading = Room mates
rooms-friends-explain = Name up to three friends your child would like to share a room with, by their application reference. Give your own reference, { $reference }, to their family: a wish counts when both name each other. Brothers and sisters are kept together without asking.
rooms-friends-none = No friends named yet.
rooms-friend-mutual = both named each other
rooms-friend-waiting = waiting for the friend's family to name your child too
rooms-friend-remove = Take back
rooms-friend-reference = Friend's application reference
rooms-friend-add = Name the friend
rooms-friend-reference-problem = Write the reference as it is on the friend's application, for example SKH27-000123.
rooms-friend-own = This is your own child's reference: write the friend's.
rooms-friend-too-many = At most three friends: take one back first.
rooms-back-to-application = Back to the application
rooms-friends-link = Name friends to share a room with
rooms-choose = Choose a child and a room from the lists.
